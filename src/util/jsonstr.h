/* A check on jansson strings that several readers share. */
#ifndef SOC2_UTIL_JSONSTR_H
#define SOC2_UTIL_JSONSTR_H

#include <jansson.h>
#include <string.h>

/* Returns whether `value` is a string that contains a NUL character
 * (written \u0000 in JSON). Such a string is cut short wherever it is read
 * as a C string, so a name that contains one would name something else. */
static inline int json_string_has_nul(const json_t *value)
{
    return json_is_string(value) &&
           strlen(json_string_value(value)) != json_string_length(value);
}

#endif
