/* fuzz_policy.c - the policy file loader on any bytes, then an override
 * spec made of the same bytes. */
#include "modscore.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ms_policy *p = NULL;
    ms_error err;
    ms_status st = ms_policy_parse((const char *)data, size, "<fuzz>", &p, &err);
    if (st == MS_OK) {
        for (int c = 0; c < MS_CAT_COUNT; c++) {
            double rv = ms_policy_review(p, (ms_category)c), rj = ms_policy_reject(p, (ms_category)c);
            if (!(rv >= 0 && rv <= 1 && rj >= 0 && rj <= 1))
                __builtin_trap();
        }
        /* the first line as an override, e.g. "hostility.reject=0.9" */
        size_t n = 0;
        while (n < size && n < 256 && data[n] != '\n' && data[n] != '\0')
            n++;
        char spec[257];
        memcpy(spec, data, n);
        spec[n] = '\0';
        (void)ms_policy_override(p, spec, &err);
    } else if (p != NULL) {
        __builtin_trap();
    }
    ms_policy_free(p);
    return 0;
}
