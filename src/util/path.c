#include "path.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

static int is_ident_start(int c)
{
    return isalpha(c) || c == '_' || c == '@';
}

static int is_ident_char(int c)
{
    return isalnum(c) || c == '_' || c == '-';
}

void path_free(attr_path *path)
{
    for (size_t i = 0; i < path->count; i++)
        free(path->steps[i].key);
    free(path->steps);
    free(path->text);
    path->steps = NULL;
    path->count = 0;
    path->text = NULL;
}

static int push_step(attr_path *out, size_t *cap, char *key, size_t index)
{
    path_step step = {key, index};
    if (ARRAY_PUSH(out->steps, out->count, *cap, step) < 0) {
        free(key);
        return -1;
    }
    return 0;
}

/* Reads a double-quoted key with \" and \\ escapes starting at text[*pos],
 * which is the opening quote. */
static char *read_quoted(const char *text, size_t *pos)
{
    strbuf key = STRBUF_INIT;
    size_t i = *pos + 1;
    while (text[i] && text[i] != '"') {
        if (text[i] == '\\' && (text[i + 1] == '"' || text[i + 1] == '\\'))
            i++;
        sb_putc(&key, text[i]);
        i++;
    }
    if (text[i] != '"') {
        sb_free(&key);
        return NULL;
    }
    *pos = i + 1;
    if (!key.data)
        sb_puts(&key, "");
    return sb_steal(&key);
}

static int fail(attr_path *out, strbuf *error, const char *text, size_t at, const char *what)
{
    path_free(out);
    if (error)
        sb_printf(error, "invalid attribute path \"%s\": %s at character %zu", text, what,
                  at + 1);
    return -1;
}

int path_parse(attr_path *out, const char *text, strbuf *error)
{
    size_t cap = 0;
    size_t i = 0;

    out->steps = NULL;
    out->count = 0;
    out->text = NULL;

    while (text[i]) {
        if (out->count >= PATH_MAX_STEPS)
            return fail(out, error, text, i, "more than 32 steps");

        if (text[i] == '[') {
            i++;
            if (text[i] == '"') {
                char *key = read_quoted(text, &i);
                if (!key)
                    return fail(out, error, text, i, "unterminated quoted key");
                if (push_step(out, &cap, key, 0) < 0)
                    return fail(out, error, text, i, "out of memory");
            } else if (isdigit((unsigned char)text[i])) {
                size_t index = 0;
                while (isdigit((unsigned char)text[i])) {
                    size_t digit = (size_t)(text[i] - '0');
                    if (index > (SIZE_MAX - digit) / 10)
                        return fail(out, error, text, i, "index too large");
                    index = index * 10 + digit;
                    i++;
                }
                if (push_step(out, &cap, NULL, index) < 0)
                    return fail(out, error, text, i, "out of memory");
            } else {
                return fail(out, error, text, i, "expected a number or a quoted key after '['");
            }
            if (text[i] != ']')
                return fail(out, error, text, i, "expected ']'");
            i++;
            continue;
        }

        if (out->count > 0) {
            if (text[i] != '.')
                return fail(out, error, text, i, "expected '.' or '['");
            i++;
        }
        if (!is_ident_start((unsigned char)text[i]))
            return fail(out, error, text, i, "expected an attribute name");
        size_t start = i++;
        while (is_ident_char((unsigned char)text[i]))
            i++;
        char *key = strndup(text + start, i - start);
        if (!key || push_step(out, &cap, key, 0) < 0)
            return fail(out, error, text, i, "out of memory");
    }

    out->text = strdup(text);
    if (!out->text)
        return fail(out, error, text, i, "out of memory");
    return 0;
}

static int is_plain_identifier(const char *key)
{
    if (!is_ident_start((unsigned char)key[0]))
        return 0;
    for (const char *p = key + 1; *p; p++)
        if (!is_ident_char((unsigned char)*p))
            return 0;
    return 1;
}

void path_append_key(strbuf *sb, const char *key)
{
    if (is_plain_identifier(key)) {
        if (sb->len)
            sb_putc(sb, '.');
        sb_puts(sb, key);
        return;
    }
    sb_puts(sb, "[\"");
    for (const char *p = key; *p; p++) {
        if (*p == '"' || *p == '\\')
            sb_putc(sb, '\\');
        sb_putc(sb, *p);
    }
    sb_puts(sb, "\"]");
}

void path_append_index(strbuf *sb, size_t index)
{
    sb_printf(sb, "[%zu]", index);
}

int path_has_prefix(const char *path, const char *prefix)
{
    size_t n = strlen(prefix);
    if (n == 0)
        return 1;
    if (strncmp(path, prefix, n) != 0)
        return 0;
    return path[n] == '\0' || path[n] == '.' || path[n] == '[';
}
