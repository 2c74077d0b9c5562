/* language.h - which language a comment is written in (CLD2), and
 * whether the loaded models read it. */
#ifndef MS_LANGUAGE_H
#define MS_LANGUAGE_H

#include "modscore.h"

#ifdef __cplusplus
extern "C" {
#endif

/* CLD2's verdict on text[0, len) (valid UTF-8): an ISO 639-1 code ("un"
 * when unknown), whether CLD2 calls it reliable, the share of the text in
 * that language (percent) and the bytes of letters it scored. OUT: all. */
void ms_cld2_detect(const char *text, int len, char code[8], int *reliable, int *percent,
                    int *text_bytes);


#ifdef __cplusplus
}
#endif

#endif
