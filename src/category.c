/* category.c - the table of the legacy categories (category.h). */
#include "category.h"

#include <string.h>

static const struct legacy_category {
    const char *name;  /* as cards, policies and reports spell it */
    unsigned flag;     /* MS_FLAG_* */
    const char *label; /* the HTML report's class and label */
} legacy[MS_CAT_COUNT] = {
    [MS_CAT_HOSTILITY] = {"hostility", MS_FLAG_HOSTILITY, "hostility"},
    [MS_CAT_OFF_TOPIC] = {"off_topic", MS_FLAG_OFF_TOPIC, "off-topic"},
};

const char *ms_category_name(ms_category c)
{
    return (unsigned)c < MS_CAT_COUNT ? legacy[c].name : "unknown";
}

int ms_category_legacy_n(const char *name, size_t n)
{
    for (int c = 0; name && c < MS_CAT_COUNT; c++)
        if (strlen(legacy[c].name) == n && memcmp(legacy[c].name, name, n) == 0)
            return c;
    return -1;
}

int ms_category_legacy(const char *name)
{
    return name ? ms_category_legacy_n(name, strlen(name)) : -1;
}

unsigned ms_category_flag(const char *name)
{
    int c = ms_category_legacy(name);
    return c < 0 ? MS_FLAG_OTHER : legacy[c].flag;
}

const char *ms_category_label(ms_category c)
{
    return (unsigned)c < MS_CAT_COUNT ? legacy[c].label : "other";
}

int ms_result_legacy_score(const ms_result *r, ms_category c, double *v)
{
    switch (c) {
    case MS_CAT_HOSTILITY:
        *v = r->hostility;
        return r->has_hostility;
    case MS_CAT_OFF_TOPIC:
        *v = r->off_topic;
        return r->has_off_topic;
    default:
        return 0;
    }
}
