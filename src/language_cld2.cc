// language_cld2.cc - the one file that speaks to CLD2 (Compact Language
// Detector 2, Debian libcld2-dev), a C++ library: language.c calls it
// through the C function below, so C++ stays inside this file.
#include <cstdio> // compact_lang_det.h uses FILE without including it
#include <cld2/public/compact_lang_det.h>

#include <cstring>

#include "language.h"

extern "C" void ms_cld2_detect(const char *text, int len, char code[8], int *reliable,
                               int *percent, int *text_bytes)
{
    CLD2::Language l3[3];
    int p3[3] = {0, 0, 0};
    double ns3[3];
    int tb = 0;
    bool rel = false;
    // plain text, no hints: the caller has already dropped @names and links
    CLD2::Language l = CLD2::ExtDetectLanguageSummary(
        text, len, true, "", 0, CLD2::UNKNOWN_LANGUAGE, l3, p3, ns3, &tb, &rel);
    const char *c = CLD2::LanguageCode(l);
    std::snprintf(code, 8, "%s", c ? c : "un");
    *reliable = rel;
    *percent = p3[0];
    *text_bytes = tb;
}
