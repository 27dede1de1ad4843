#include "readers.h"

#include <check.h>
#include <ctype.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Returns whether XML 1.0 allows the code point in a document. */
static int xml_allows(uint32_t c)
{
    return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
           (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

/* Returns the length of the (ASCII) XML name at `p`, or 0. */
static size_t xml_name_length(const char *p)
{
    if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_' || *p == ':'))
        return 0;
    size_t n = 1;
    while ((p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= 'a' && p[n] <= 'z') ||
           (p[n] >= '0' && p[n] <= '9') || (p[n] != '\0' && strchr("_:.-", p[n])))
        n++;
    return n;
}

/* Decodes the reference that starts at `p` ('&') into `c`. Returns the byte
 * after its ';', or NULL when it is not a predefined entity or a character
 * reference to a character XML allows. */
static const char *xml_reference(const char *p, uint32_t *c)
{
    static const struct {
        const char *name;
        uint32_t c;
    } entities[] = {{"amp;", '&'}, {"lt;", '<'}, {"gt;", '>'}, {"quot;", '"'}, {"apos;", '\''}};
    p++;
    for (size_t i = 0; i < sizeof(entities) / sizeof(entities[0]); i++)
        if (strncmp(p, entities[i].name, strlen(entities[i].name)) == 0) {
            *c = entities[i].c;
            return p + strlen(entities[i].name);
        }
    if (*p++ != '#')
        return NULL;
    int base = 10;
    if (*p == 'x') {
        base = 16;
        p++;
    }
    if (!(base == 16 ? isxdigit((unsigned char)*p) : isdigit((unsigned char)*p)))
        return NULL;
    char *end;
    unsigned long value = strtoul(p, &end, base);
    if (*end != ';' || value > 0x10FFFF || !xml_allows((uint32_t)value))
        return NULL;
    *c = (uint32_t)value;
    return end + 1;
}

/* Checks the characters of a document: valid UTF-8 (jansson checks it when
 * it makes a string), and only characters XML 1.0 allows. */
static const char *xml_characters_problem(const char *data, size_t length)
{
    json_t *string = json_stringn(data, length);
    if (!string)
        return "not valid UTF-8";
    json_decref(string);
    for (size_t i = 0; i < length; i++) {
        unsigned char byte = (unsigned char)data[i];
        if (byte < 0x20 && byte != '\t' && byte != '\n' && byte != '\r')
            return "a control character XML does not allow";
        /* U+FFFE and U+FFFF, the other characters XML excludes. */
        if (byte == 0xEF && i + 2 < length && (unsigned char)data[i + 1] == 0xBF &&
            ((unsigned char)data[i + 2] & 0xFE) == 0xBE)
            return "U+FFFE or U+FFFF";
    }
    return NULL;
}

/* The document is an optional XML declaration, then elements with
 * attributes in double quotes, character data and references. */
const char *xml_problem(const char *data, size_t length)
{
    const char *problem = xml_characters_problem(data, length);
    if (problem)
        return problem;
    const char *p = data;
    if (strncmp(p, "<?xml ", 6) == 0) {
        p = strstr(p, "?>");
        if (!p)
            return "the XML declaration does not end";
        p += 2;
    }

    enum { MAX_DEPTH = 32 };
    const char *open[MAX_DEPTH];
    size_t open_length[MAX_DEPTH];
    int depth = 0, roots = 0;
    while (*p) {
        uint32_t c;
        if (*p == '&') {
            p = xml_reference(p, &c);
            if (!p)
                return "a reference that is not an entity or an allowed character";
            if (depth == 0)
                return "a reference outside the root element";
            continue;
        }
        if (*p != '<') {
            if (depth == 0 && !strchr(" \t\r\n", *p))
                return "text outside the root element";
            if (strncmp(p, "]]>", 3) == 0)
                return "]]> in character data";
            p++;
            continue;
        }

        if (p[1] == '/') {
            size_t n = xml_name_length(p + 2);
            if (n == 0 || depth == 0 || n != open_length[depth - 1] ||
                strncmp(p + 2, open[depth - 1], n) != 0)
                return "an end tag that does not match its start tag";
            p += 2 + n;
            if (*p++ != '>')
                return "a malformed end tag";
            depth--;
            continue;
        }

        const char *name = p + 1;
        size_t n = xml_name_length(name);
        if (n == 0)
            return "a malformed start tag";
        if (depth == 0 && roots++ > 0)
            return "a second root element";
        p = name + n;
        for (;;) {
            const char *before_space = p;
            while (*p && strchr(" \t\r\n", *p))
                p++;
            if (p[0] == '/' && p[1] == '>') {
                p += 2;
                break;
            }
            if (p[0] == '>') {
                if (depth == MAX_DEPTH)
                    return "elements nest too deep";
                open[depth] = name;
                open_length[depth++] = n;
                p++;
                break;
            }
            if (p == before_space)
                return "an attribute without white space before it";
            size_t attribute = xml_name_length(p);
            if (attribute == 0)
                return "a malformed attribute name";
            p += attribute;
            if (p[0] != '=' || p[1] != '"')
                return "an attribute value not in double quotes";
            p += 2;
            while (*p != '"') {
                if (*p == '\0' || *p == '<')
                    return "an attribute value with '<' or no end";
                if (*p == '&') {
                    p = xml_reference(p, &c);
                    if (!p)
                        return "a reference that is not an entity or an allowed character";
                } else {
                    p++;
                }
            }
            p++;
        }
    }
    if (depth != 0 || roots != 1)
        return "an element that is not closed, or no root element";
    return NULL;
}

static size_t utf8_encode(uint32_t c, char *out)
{
    if (c < 0x80) {
        out[0] = (char)c;
        return 1;
    }
    if (c < 0x800) {
        out[0] = (char)(0xC0 | (c >> 6));
        out[1] = (char)(0x80 | (c & 0x3F));
        return 2;
    }
    if (c < 0x10000) {
        out[0] = (char)(0xE0 | (c >> 12));
        out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        out[2] = (char)(0x80 | (c & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (c >> 18));
    out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
    out[3] = (char)(0x80 | (c & 0x3F));
    return 4;
}

/* The writer escapes '>' in values, so the tag ends at the first '>'. */
char *xml_attribute(const char *tag, const char *name)
{
    char pattern[32];
    snprintf(pattern, sizeof(pattern), " %s=\"", name);
    const char *end = strchr(tag, '>');
    const char *p = strstr(tag, pattern);
    if (!p || !end || p > end)
        return NULL;
    p += strlen(pattern);
    char *value = malloc(strlen(p) + 1);
    ck_assert_ptr_nonnull(value);
    size_t n = 0;
    while (*p != '"') {
        ck_assert_int_ne(*p, '\0');
        if (*p == '&') {
            uint32_t c;
            p = xml_reference(p, &c);
            ck_assert_ptr_nonnull(p);
            n += utf8_encode(c, value + n);
        } else {
            value[n++] = *p++;
        }
    }
    value[n] = '\0';
    return value;
}


void csv_table_free(csv_table *table)
{
    for (size_t row = 0; row < table->rows; row++)
        for (size_t i = 0; i < table->widths[row]; i++)
            free(table->cells[row][i]);
}

const char *csv_read(csv_table *table, const char *p, size_t length)
{
    memset(table, 0, sizeof(*table));
    const char *end = p + length;
    while (p < end) {
        if (table->rows == CSV_MAX_ROWS)
            return "more rows than the reader takes";
        size_t row = table->rows++;
        for (;;) {
            if (table->widths[row] == CSV_MAX_FIELDS)
                return "more fields than the reader takes";
            char *field = malloc((size_t)(end - p) + 1);
            ck_assert_ptr_nonnull(field);
            table->cells[row][table->widths[row]++] = field;
            size_t n = 0;
            if (p < end && *p == '"') {
                for (p++;; p++) {
                    if (p == end)
                        return "a quoted field does not end";
                    if (*p == '"' && (p + 1 == end || p[1] != '"'))
                        break;
                    if (*p == '"')
                        p++;
                    field[n++] = *p;
                }
                p++;
            } else {
                for (; p < end && *p != ',' && *p != '\r' && *p != '\n'; p++) {
                    if (*p == '"')
                        return "a quote in a field that is not quoted";
                    field[n++] = *p;
                }
            }
            field[n] = '\0';
            if (p < end && *p == ',') {
                p++;
                continue;
            }
            if (end - p >= 2 && p[0] == '\r' && p[1] == '\n') {
                p += 2;
                break;
            }
            return "a record that does not end with CR LF";
        }
    }
    return NULL;
}

