/* fuzz_csv.c - the CSV training-data reader on any bytes, with the default
 * columns and with named ones. On failure nothing may be appended. */
#include "modscore.h"

#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ms_error err;
    ms_dataset set = {0};
    ms_status st = ms_dataset_read((const char *)data, size, MS_FORMAT_CSV, NULL, "<fuzz>", &set, &err);
    if (st != MS_OK && set.n != 0)
        __builtin_trap();
    for (size_t i = 0; i < set.n; i++)
        if (set.items[i].label != 0 && set.items[i].label != 1)
            __builtin_trap();
    ms_dataset_clear(&set);

    ms_csv_options opt = {"comment", "class", "toxic"};
    ms_dataset set2 = {0};
    (void)ms_dataset_read((const char *)data, size, MS_FORMAT_CSV, &opt, "<fuzz>", &set2, &err);
    ms_dataset_clear(&set2);
    return 0;
}
