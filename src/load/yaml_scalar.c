/* Typing YAML scalars by the YAML 1.2 core schema, and recognizing
 * CloudFormation's function tags. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "yaml_scalar.h"
#include "../core/error.h"

static int is_digit_of_base(char c, int base)
{
    if (base == 8)
        return c >= '0' && c <= '7';
    if (base == 16)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    return c >= '0' && c <= '9';
}

/* Parses a core schema integer: [-+]?[0-9]+, 0o[0-7]+ or 0x[0-9a-fA-F]+.
 * Returns 1 with *out set, 0 when the text is no integer, and -1 when it is
 * one that does not fit a JSON integer. */
static int parse_integer(const char *text, size_t length, json_int_t *out)
{
    const char *digits = text;
    size_t count = length;
    int base = 10;
    if (count && (*digits == '-' || *digits == '+')) {
        digits++;
        count--;
    } else if (count > 2 && digits[0] == '0' && (digits[1] == 'o' || digits[1] == 'x')) {
        base = digits[1] == 'o' ? 8 : 16;
        digits += 2;
        count -= 2;
    }
    if (count == 0)
        return 0;
    for (size_t i = 0; i < count; i++)
        if (!is_digit_of_base(digits[i], base))
            return 0;

    char buffer[72];
    if (length >= sizeof(buffer))
        return -1;
    memcpy(buffer, text, length);
    buffer[length] = '\0';
    errno = 0;
    long long value = strtoll(base == 10 ? buffer : buffer + 2, NULL, base);
    if (errno == ERANGE)
        return -1;
    *out = (json_int_t)value;
    return 1;
}

/* Returns whether the text is a core schema float other than the
 * infinities and NaN: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?. */
static int is_float(const char *text, size_t length)
{
    size_t i = 0;
    if (i < length && (text[i] == '-' || text[i] == '+'))
        i++;
    size_t integer_digits = 0, fraction_digits = 0;
    while (i < length && is_digit_of_base(text[i], 10)) {
        i++;
        integer_digits++;
    }
    if (i < length && text[i] == '.') {
        i++;
        while (i < length && is_digit_of_base(text[i], 10)) {
            i++;
            fraction_digits++;
        }
    }
    if (integer_digits == 0 && fraction_digits == 0)
        return 0;
    if (i < length && (text[i] == 'e' || text[i] == 'E')) {
        i++;
        if (i < length && (text[i] == '-' || text[i] == '+'))
            i++;
        size_t exponent_digits = 0;
        while (i < length && is_digit_of_base(text[i], 10)) {
            i++;
            exponent_digits++;
        }
        if (exponent_digits == 0)
            return 0;
    }
    return i == length;
}

static int text_is(const char *text, size_t length, const char *const *words)
{
    for (; *words; words++)
        if (strlen(*words) == length && memcmp(text, *words, length) == 0)
            return 1;
    return 0;
}

static const char *const null_words[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};


int yaml_scalar_to_json(const char *text, size_t length, scalar_kind kind, json_t **value)
{
    *value = NULL;
    if (kind == KIND_STRING)
        goto string;

    if (text_is(text, length, null_words)) {
        if (kind == KIND_ANY || kind == KIND_NULL)
            *value = json_null();
        return SOC2_OK;
    }
    if (text_is(text, length, true_words) || text_is(text, length, false_words)) {
        if (kind == KIND_ANY || kind == KIND_BOOL)
            *value = json_boolean(text_is(text, length, true_words));
        return SOC2_OK;
    }

    json_int_t integer;
    int parsed = parse_integer(text, length, &integer);
    if (parsed == 1 && (kind == KIND_ANY || kind == KIND_INT)) {
        *value = json_integer(integer);
        return *value ? SOC2_OK : error_nomem();
    }
    if (is_float(text, length) && ((kind == KIND_ANY && parsed == 0) || kind == KIND_FLOAT)) {
        char *copy = strndup(text, length);
        if (!copy)
            return error_nomem();
        errno = 0;
        double real = strtod(copy, NULL);
        free(copy);
        if (errno != ERANGE) {
            *value = json_real(real);
            return *value ? SOC2_OK : error_nomem();
        }
    }
    /* NOTE: JSON has no value for an integer beyond 64 bits, a float beyond
     * the range of a double, .inf or .nan. Plain, they stay the string as
     * written; tagged !!int or !!float, they are rejected. */
    if (kind != KIND_ANY)
        return SOC2_OK;

string:
    *value = json_stringn(text, length);
    return *value ? SOC2_OK : error_nomem();
}

int yaml_tag_is_function(const char *tag)
{
    if (tag[0] != '!' || !(tag[1] >= 'A' && tag[1] <= 'Z'))
        return 0;
    size_t length = 1;
    for (const char *p = tag + 1; *p; p++, length++) {
        char c = *p;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            return 0;
    }
    return length < 64;
}
