/* CloudWatch Logs filter patterns (filter_pattern.h): the parser and the
 * matcher. */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "filter_pattern.h"

/* Parentheses nest at most this deep; deeper patterns are rejected rather
 * than parsed with unbounded recursion. */
#define MAX_NESTING 64

/* CloudWatch rejects a JSON pattern with more regular expressions. */
#define MAX_JSON_REGEXES 2

/* The syntax tree. */

typedef enum node_kind {
    NODE_AND,
    NODE_OR,
    NODE_COMPARE,
    NODE_IS_TRUE,
    NODE_IS_FALSE,
    NODE_IS_NULL,
    NODE_NOT_EXISTS
} node_kind;

typedef enum compare_op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE } compare_op;

typedef struct selector_step {
    char *key;    /* NULL for a list index */
    size_t index;
} selector_step;

typedef struct node {
    node_kind kind;
    struct node *left, *right; /* NODE_AND, NODE_OR */
    selector_step *steps;      /* the selector $.a.b[0] of the other kinds */
    size_t step_count;
    compare_op op;             /* NODE_COMPARE */
    char *literal;             /* the value as written, without quotes */
    int numeric;               /* the literal is an unquoted number */
    regex_t *regex;            /* a %...% value, compiled; NULL otherwise */
    double number;
} node;

typedef enum term_kind {
    TERM_REQUIRED, /* word: must appear */
    TERM_ANY,      /* ?word: one of these must appear */
    TERM_EXCLUDED  /* -word: must not appear */
} term_kind;

typedef struct term {
    term_kind kind;
    char *text;
} term;

typedef enum pattern_kind {
    PATTERN_EMPTY,
    PATTERN_TERMS,
    PATTERN_JSON,
    PATTERN_REGEX /* %...% on its own, searched in the event's text */
} pattern_kind;

struct filter_pattern {
    pattern_kind kind;
    node *root;    /* PATTERN_JSON */
    term *terms;   /* PATTERN_TERMS */
    regex_t *regex; /* PATTERN_REGEX */
    size_t term_count;
};

static void node_free(node *n)
{
    if (!n)
        return;
    node_free(n->left);
    node_free(n->right);
    for (size_t i = 0; i < n->step_count; i++)
        free(n->steps[i].key);
    free(n->steps);
    free(n->literal);
    if (n->regex)
        regfree(n->regex);
    free(n->regex);
    free(n);
}

void filter_pattern_free(filter_pattern *pattern)
{
    if (!pattern)
        return;
    node_free(pattern->root);
    for (size_t i = 0; i < pattern->term_count; i++)
        free(pattern->terms[i].text);
    free(pattern->terms);
    if (pattern->regex)
        regfree(pattern->regex);
    free(pattern->regex);
    free(pattern);
}

/* The parser. */

typedef struct parser {
    const char *text;
    size_t pos;
    size_t depth;
    strbuf *error;
    size_t error_pos;
    int failed;
    size_t regex_count; /* regular expressions read so far */
} parser;

static void *fail(parser *p, const char *message)
{
    if (!p->failed) {
        p->failed = 1;
        p->error_pos = p->pos + 1;
        sb_puts(p->error, message);
    }
    return NULL;
}

static void skip_space(parser *p)
{
    while (isspace((unsigned char)p->text[p->pos]))
        p->pos++;
}

static int accept(parser *p, const char *token)
{
    skip_space(p);
    size_t length = strlen(token);
    if (strncmp(p->text + p->pos, token, length) != 0)
        return 0;
    p->pos += length;
    return 1;
}

static int is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

/* Accepts a keyword such as IS or EXISTS in any case, as a whole word. */
static int accept_keyword(parser *p, const char *keyword)
{
    skip_space(p);
    size_t length = strlen(keyword);
    if (strncasecmp(p->text + p->pos, keyword, length) != 0 ||
        is_word_char(p->text[p->pos + length]))
        return 0;
    p->pos += length;
    return 1;
}

static node *new_node(parser *p, node_kind kind)
{
    node *n = calloc(1, sizeof(*n));
    if (!n)
        return fail(p, "out of memory");
    n->kind = kind;
    return n;
}

static int is_key_char(char c)
{
    return isalnum((unsigned char)c) || c == '_' || c == '-' || c == '@';
}

static int push_step(parser *p, node *n, char *key, size_t index)
{
    selector_step *steps = realloc(n->steps, (n->step_count + 1) * sizeof(*steps));
    if (!steps) {
        free(key);
        fail(p, "out of memory");
        return -1;
    }
    n->steps = steps;
    n->steps[n->step_count].key = key;
    n->steps[n->step_count].index = index;
    n->step_count++;
    return 0;
}

/* Reads a selector: $ followed by .key and [index] steps. */
static int parse_selector(parser *p, node *n)
{
    p->pos++; /* the '$' */
    while (p->text[p->pos] == '.' || p->text[p->pos] == '[') {
        if (p->text[p->pos] == '.') {
            p->pos++;
            size_t start = p->pos;
            while (is_key_char(p->text[p->pos]))
                p->pos++;
            if (p->pos == start) {
                fail(p, "expected a field name after \".\" in the selector");
                return -1;
            }
            char *key = strndup(p->text + start, p->pos - start);
            if (!key) {
                fail(p, "out of memory");
                return -1;
            }
            if (push_step(p, n, key, 0) < 0)
                return -1;
        } else {
            p->pos++;
            size_t start = p->pos;
            while (isdigit((unsigned char)p->text[p->pos]) && p->pos - start < 9)
                p->pos++;
            if (p->pos == start || p->text[p->pos] != ']') {
                fail(p, "expected a list index such as [0] in the selector");
                return -1;
            }
            size_t index = strtoul(p->text + start, NULL, 10);
            p->pos++;
            if (push_step(p, n, NULL, index) < 0)
                return -1;
        }
    }
    if (n->step_count == 0) {
        fail(p, "expected a selector such as $.eventName");
        return -1;
    }
    return 0;
}

/* Returns whether `s` is a plain decimal number: -?digits(.digits)?.
 * CloudWatch does not accept scientific notation in filter patterns. */
static int is_decimal(const char *s)
{
    if (*s == '-')
        s++;
    if (!isdigit((unsigned char)*s))
        return 0;
    while (isdigit((unsigned char)*s))
        s++;
    if (*s == '.') {
        s++;
        if (!isdigit((unsigned char)*s))
            return 0;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

/* Reads a double-quoted string with \" and \\ escapes, the opening quote
 * at p->pos. Returns the content, malloc'ed. */
static char *parse_quoted(parser *p)
{
    strbuf content = STRBUF_INIT;
    size_t open = p->pos;
    p->pos++;
    while (p->text[p->pos] && p->text[p->pos] != '"') {
        if (p->text[p->pos] == '\\' && (p->text[p->pos + 1] == '"' || p->text[p->pos + 1] == '\\'))
            p->pos++;
        sb_putc(&content, p->text[p->pos]);
        p->pos++;
    }
    if (p->text[p->pos] != '"') {
        sb_free(&content);
        p->pos = open;
        return fail(p, "missing closing quote for the string that starts here");
    }
    p->pos++;
    sb_puts(&content, "");
    char *s = sb_steal(&content);
    return s ? s : fail(p, "out of memory");
}

/* Regular expressions.
 *
 * CloudWatch writes a regular expression between two % signs. Its dialect
 * is a subset: letters, digits, a few symbols and the operators ^ $ ? [ ] {
 * } | \ * + ., with \d, \w and \s classes, and no ( ) groups and no
 * multi-byte characters. It is translated to a POSIX extended regular
 * expression for regcomp(): \d, \w, \s and their negations become bracket
 * expressions, and an escaped ], - or ^ inside [...] moves to where POSIX
 * reads it literally. Parentheses and non-ASCII bytes are rejected as
 * CloudWatch rejects them.
 * NOTE: other characters outside CloudWatch's documented list (such as !)
 * are accepted here although CloudWatch rejects the pattern, and escapes
 * other than the classes above keep their POSIX meaning. */

static const char *class_body(char letter)
{
    switch (tolower((unsigned char)letter)) {
    case 'd':
        return "0-9";
    case 'w':
        return "[:alnum:]_";
    case 's':
        return "[:space:]";
    default:
        return NULL;
    }
}

/* Translates the bracket expression that starts at `in` (after its '[')
 * and appends it to `out`. Returns the character after its ']', or NULL
 * with `error` set. */
static const char *translate_bracket(const char *in, const char *end, strbuf *out,
                                     const char **error)
{
    strbuf body = STRBUF_INIT;
    int negated = 0, bracket = 0, dash = 0, caret = 0;
    if (in < end && *in == '^') {
        negated = 1;
        in++;
    }
    if (in < end && *in == ']') {
        bracket = 1;
        in++;
    }
    for (; in < end && *in != ']'; in++) {
        if (*in != '\\') {
            sb_putc(&body, *in);
            continue;
        }
        if (++in == end)
            break;
        const char *class = class_body(*in);
        if (class && isupper((unsigned char)*in)) {
            *error = "\\D, \\W and \\S are not supported inside [...]";
            sb_free(&body);
            return NULL;
        }
        if (class)
            sb_puts(&body, class);
        else if (*in == ']')
            bracket = 1;
        else if (*in == '-')
            dash = 1;
        else if (*in == '^')
            caret = 1;
        else
            sb_putc(&body, *in);
    }
    if (in == end) {
        *error = "missing ] to close the [";
        sb_free(&body);
        return NULL;
    }

    if (!negated && !bracket && body.len == 0 && caret && !dash) {
        sb_puts(out, "\\^"); /* [\^] alone: a ^ first would negate */
    } else {
        sb_putc(out, '[');
        if (negated)
            sb_putc(out, '^');
        if (bracket)
            sb_putc(out, ']');
        if (!negated && !bracket && body.len == 0 && caret)
            sb_puts(out, "-^"); /* [\^\-]: ^ may not come first */
        else {
            sb_puts(out, sb_str(&body));
            if (caret)
                sb_putc(out, '^');
            if (dash)
                sb_putc(out, '-');
        }
        sb_putc(out, ']');
    }
    sb_free(&body);
    return in + 1;
}

/* Translates the CloudWatch regular expression in[0, length) to POSIX
 * extended syntax in `out`. Returns 0, or -1 with `error` set. */
static int translate_regex(const char *in, size_t length, strbuf *out, const char **error)
{
    const char *end = in + length;
    while (in < end) {
        unsigned char c = (unsigned char)*in;
        if (c == '(' || c == ')') {
            *error = "CloudWatch regular expressions do not support ( or )";
            return -1;
        }
        if (c >= 0x80) {
            *error = "CloudWatch regular expressions do not support multi-byte characters";
            return -1;
        }
        if (c == '[') {
            in = translate_bracket(in + 1, end, out, error);
            if (!in)
                return -1;
            continue;
        }
        if (c == '\\' && in + 1 < end && class_body(in[1])) {
            sb_printf(out, "[%s%s]", isupper((unsigned char)in[1]) ? "^" : "", class_body(in[1]));
            in += 2;
            continue;
        }
        if (c == '\\' && in + 1 < end) {
            sb_putc(out, '\\');
            in++;
        }
        sb_putc(out, *in++);
    }
    return 0;
}

/* Reads a regular expression between % signs, the first at p->pos, and
 * returns it compiled (malloc'ed). */
static regex_t *parse_regex(parser *p)
{
    size_t open = p->pos;
    const char *start = p->text + open + 1;
    const char *close = strchr(start, '%');
    if (!close)
        return fail(p, "missing closing % for the regular expression that starts here");
    if (close == start)
        return fail(p, "the regular expression between the % signs is empty");

    strbuf posix = STRBUF_INIT;
    const char *problem = NULL;
    regex_t *regex = NULL;
    if (translate_regex(start, (size_t)(close - start), &posix, &problem) < 0) {
        fail(p, problem);
    } else if (posix.failed || !(regex = malloc(sizeof(*regex)))) {
        fail(p, "out of memory");
    } else {
        int rc = regcomp(regex, sb_str(&posix), REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char message[128];
            regerror(rc, regex, message, sizeof(message));
            free(regex);
            regex = NULL;
            strbuf text = STRBUF_INIT;
            sb_printf(&text, "the regular expression does not compile: %s", message);
            fail(p, text.failed ? "the regular expression does not compile" : sb_str(&text));
            sb_free(&text);
        }
    }
    sb_free(&posix);
    if (!regex) {
        p->error_pos = open + 1;
        return NULL;
    }
    p->pos = (size_t)(close - p->text) + 1;
    p->regex_count++;
    return regex;
}

/* Reads the value after a comparison operator: a quoted string, a
 * regular expression between % signs, or a bare word that runs to the
 * next space, parenthesis, &&, || or }. */
static int parse_literal(parser *p, node *n)
{
    skip_space(p);
    if (p->text[p->pos] == '"') {
        n->literal = parse_quoted(p);
        return n->literal ? 0 : -1;
    }
    if (p->text[p->pos] == '%') {
        if (p->regex_count == MAX_JSON_REGEXES) {
            fail(p, "CloudWatch allows at most 2 regular expressions in a JSON filter pattern");
            return -1;
        }
        size_t start = p->pos;
        n->regex = parse_regex(p);
        if (!n->regex)
            return -1;
        n->literal = strndup(p->text + start, p->pos - start);
        if (!n->literal) {
            fail(p, "out of memory");
            return -1;
        }
        return 0;
    }

    size_t start = p->pos;
    while (p->text[p->pos] && !isspace((unsigned char)p->text[p->pos]) &&
           !strchr("()&|{}\"", p->text[p->pos]))
        p->pos++;
    if (p->pos == start) {
        fail(p, "expected a value after the operator");
        return -1;
    }
    n->literal = strndup(p->text + start, p->pos - start);
    if (!n->literal) {
        fail(p, "out of memory");
        return -1;
    }
    if (is_decimal(n->literal)) {
        n->numeric = 1;
        n->number = strtod(n->literal, NULL);
    }
    return 0;
}

static node *parse_comparison(parser *p)
{
    node *n = new_node(p, NODE_COMPARE);
    if (!n || parse_selector(p, n) < 0) {
        node_free(n);
        return NULL;
    }

    if (accept_keyword(p, "IS")) {
        if (accept_keyword(p, "TRUE"))
            n->kind = NODE_IS_TRUE;
        else if (accept_keyword(p, "FALSE"))
            n->kind = NODE_IS_FALSE;
        else if (accept_keyword(p, "NULL"))
            n->kind = NODE_IS_NULL;
        else
            fail(p, "expected TRUE, FALSE or NULL after IS");
    } else if (accept_keyword(p, "NOT")) {
        if (accept_keyword(p, "EXISTS"))
            n->kind = NODE_NOT_EXISTS;
        else
            fail(p, "expected EXISTS after NOT");
    } else {
        static const struct {
            const char *token;
            compare_op op;
        } ops[] = {{"!=", OP_NE}, {"<=", OP_LE}, {">=", OP_GE},
                   {"=", OP_EQ},  {"<", OP_LT},  {">", OP_GT}};
        size_t i = 0;
        while (i < sizeof(ops) / sizeof(ops[0]) && !accept(p, ops[i].token))
            i++;
        if (i == sizeof(ops) / sizeof(ops[0])) {
            fail(p, "expected an operator (=, !=, <, <=, >, >=), IS or NOT EXISTS after "
                    "the selector");
        } else {
            n->op = ops[i].op;
            size_t value_start = p->pos;
            if (parse_literal(p, n) == 0 && n->op != OP_EQ && n->op != OP_NE && !n->numeric) {
                p->pos = value_start;
                skip_space(p);
                fail(p, "expected a number after <, <=, > or >=");
            }
        }
    }

    if (p->failed) {
        node_free(n);
        return NULL;
    }
    return n;
}

static node *parse_or(parser *p);

static node *parse_primary(parser *p)
{
    skip_space(p);
    if (p->text[p->pos] == '(') {
        if (++p->depth > MAX_NESTING)
            return fail(p, "parentheses are nested too deeply");
        p->pos++;
        node *inner = parse_or(p);
        if (inner && !accept(p, ")")) {
            node_free(inner);
            return fail(p, "expected \")\" to close the parenthesis");
        }
        p->depth--;
        return inner;
    }
    if (p->text[p->pos] == '$')
        return parse_comparison(p);
    return fail(p, "expected a selector such as $.eventName or \"(\"");
}

/* && binds tighter than ||, as in C. */
static node *parse_binary(parser *p, int or_level)
{
    node *left = or_level ? parse_binary(p, 0) : parse_primary(p);
    while (left && accept(p, or_level ? "||" : "&&")) {
        node *right = or_level ? parse_binary(p, 0) : parse_primary(p);
        node *joined = right ? new_node(p, or_level ? NODE_OR : NODE_AND) : NULL;
        if (!joined) {
            node_free(left);
            node_free(right);
            return NULL;
        }
        joined->left = left;
        joined->right = right;
        left = joined;
    }
    return left;
}

static node *parse_or(parser *p)
{
    return parse_binary(p, 1);
}

static int parse_json_pattern(parser *p, filter_pattern *pattern)
{
    p->pos++; /* the '{' */
    pattern->root = parse_or(p);
    if (!pattern->root)
        return -1;
    if (!accept(p, "}")) {
        fail(p, p->text[p->pos] ? "expected \"&&\", \"||\" or \"}\""
                                : "expected \"}\" to close the pattern");
        return -1;
    }
    skip_space(p);
    if (p->text[p->pos]) {
        fail(p, "unexpected text after the closing \"}\"");
        return -1;
    }
    return 0;
}

static int parse_terms(parser *p, filter_pattern *pattern)
{
    size_t cap = 0;
    for (skip_space(p); p->text[p->pos]; skip_space(p)) {
        term_kind kind = TERM_REQUIRED;
        if (p->text[p->pos] == '?' || p->text[p->pos] == '-') {
            kind = p->text[p->pos] == '?' ? TERM_ANY : TERM_EXCLUDED;
            p->pos++;
        }

        char *text;
        if (p->text[p->pos] == '"') {
            text = parse_quoted(p);
        } else {
            size_t start = p->pos;
            while (p->text[p->pos] && !isspace((unsigned char)p->text[p->pos]))
                p->pos++;
            if (p->pos == start) {
                fail(p, "expected a term after \"?\" or \"-\"");
                return -1;
            }
            text = strndup(p->text + start, p->pos - start);
            if (!text)
                fail(p, "out of memory");
        }
        if (!text)
            return -1;

        if (pattern->term_count == cap) {
            size_t grown = cap ? cap * 2 : 4;
            term *terms = realloc(pattern->terms, grown * sizeof(*terms));
            if (!terms) {
                free(text);
                fail(p, "out of memory");
                return -1;
            }
            pattern->terms = terms;
            cap = grown;
        }
        pattern->terms[pattern->term_count].kind = kind;
        pattern->terms[pattern->term_count].text = text;
        pattern->term_count++;
    }
    return 0;
}

int filter_pattern_parse(const char *text, filter_pattern **out, strbuf *error,
                         size_t *position)
{
    parser p = {text, 0, 0, error, 0, 0, 0};
    filter_pattern *pattern = calloc(1, sizeof(*pattern));
    if (!pattern) {
        sb_puts(error, "out of memory");
        *position = 1;
        return -1;
    }

    skip_space(&p);
    int rc = 0;
    switch (text[p.pos]) {
    case '\0':
        /* An empty pattern matches every log event: CloudWatch then counts
         * every event of the log group. */
        pattern->kind = PATTERN_EMPTY;
        break;
    case '{':
        pattern->kind = PATTERN_JSON;
        rc = parse_json_pattern(&p, pattern);
        break;
    case '[':
        /* NOTE: space-delimited patterns are not implemented; such a
         * filter is reported as an error, never as matching or not. */
        fail(&p, "space-delimited filter patterns ([...]) are not supported");
        rc = -1;
        break;
    case '%':
        pattern->kind = PATTERN_REGEX;
        pattern->regex = parse_regex(&p);
        skip_space(&p);
        if (pattern->regex && text[p.pos])
            fail(&p, "unexpected text after the regular expression");
        rc = p.failed ? -1 : 0;
        break;
    default:
        pattern->kind = PATTERN_TERMS;
        rc = parse_terms(&p, pattern);
        break;
    }

    if (rc < 0) {
        *position = p.error_pos;
        filter_pattern_free(pattern);
        return -1;
    }
    *out = pattern;
    return 0;
}

/* Matching. */

/* Matches `text` against `pattern`, where `*` stands for any run of
 * characters; case matters, as in CloudWatch. */
static int wildcard_match(const char *pattern, const char *text)
{
    const char *star = NULL, *resume = NULL;
    while (*text) {
        if (*pattern == '*') {
            star = pattern++;
            resume = text;
        } else if (*pattern == *text) {
            pattern++;
            text++;
        } else if (star) {
            pattern = star + 1;
            text = ++resume;
        } else {
            return 0;
        }
    }
    while (*pattern == '*')
        pattern++;
    return *pattern == '\0';
}

static const json_t *select_field(const node *n, const json_t *event)
{
    const json_t *value = event;
    for (size_t i = 0; i < n->step_count && value; i++) {
        const selector_step *step = &n->steps[i];
        if (step->key)
            value = json_is_object(value) ? json_object_get(value, step->key) : NULL;
        else
            value = json_is_array(value) ? json_array_get(value, step->index) : NULL;
    }
    return value;
}

/* Compares a field that exists. Strings compare with the literal as a
 * wildcard pattern, or with a regular expression, which may match anywhere
 * in the string. Numbers compare with numeric literals, and a literal of
 * only `*` matches any value but null. Other pairs never compare, so
 * neither = nor != holds for them.
 * NOTE: CloudWatch documents that a standalone regular expression matches
 * anywhere in the event but not how one compares with a JSON field; it is
 * taken to do the same, so anchor it with ^ and $ to match a whole value. */
static int compare(const node *n, const json_t *field)
{
    size_t length = strlen(n->literal);
    int any = length > 0 && strspn(n->literal, "*") == length;

    int comparable, equal;
    if (n->regex) {
        comparable = json_is_string(field) && (n->op == OP_EQ || n->op == OP_NE);
        equal = comparable && regexec(n->regex, json_string_value(field), 0, NULL, 0) == 0;
    } else if (any && !json_is_null(field)) {
        comparable = 1;
        equal = 1;
    } else if (json_is_string(field)) {
        comparable = n->op == OP_EQ || n->op == OP_NE;
        equal = wildcard_match(n->literal, json_string_value(field));
    } else if (json_is_number(field) && n->numeric) {
        double value = json_number_value(field);
        switch (n->op) {
        case OP_LT:
            return value < n->number;
        case OP_LE:
            return value <= n->number;
        case OP_GT:
            return value > n->number;
        case OP_GE:
            return value >= n->number;
        default:
            break;
        }
        comparable = 1;
        equal = value == n->number;
    } else {
        return 0;
    }

    if (!comparable)
        return 0;
    if (n->op == OP_EQ)
        return equal;
    return n->op == OP_NE && !equal;
}

static int node_match(const node *n, const json_t *event)
{
    switch (n->kind) {
    case NODE_AND:
        return node_match(n->left, event) && node_match(n->right, event);
    case NODE_OR:
        return node_match(n->left, event) || node_match(n->right, event);
    default:
        break;
    }

    const json_t *field = select_field(n, event);
    switch (n->kind) {
    case NODE_NOT_EXISTS:
        return field == NULL;
    case NODE_IS_NULL:
        return json_is_null(field);
    case NODE_IS_TRUE:
        return json_is_true(field);
    case NODE_IS_FALSE:
        return json_is_false(field);
    default:
        /* NOTE: a field the event lacks satisfies no comparison, != included;
         * CloudWatch documents = but not != on absent fields. */
        return field ? compare(n, field) : 0;
    }
}

static int terms_match(const filter_pattern *pattern, const char *text)
{
    int any_listed = 0, any_found = 0;
    for (size_t i = 0; i < pattern->term_count; i++) {
        const term *t = &pattern->terms[i];
        int found = strstr(text, t->text) != NULL;
        switch (t->kind) {
        case TERM_REQUIRED:
            if (!found)
                return 0;
            break;
        case TERM_EXCLUDED:
            if (found)
                return 0;
            break;
        case TERM_ANY:
            any_listed = 1;
            any_found |= found;
            break;
        }
    }
    return !any_listed || any_found;
}

int filter_pattern_match(const filter_pattern *pattern, const json_t *event,
                         const char *event_text)
{
    switch (pattern->kind) {
    case PATTERN_EMPTY:
        return 1;
    case PATTERN_TERMS:
        return terms_match(pattern, event_text);
    case PATTERN_REGEX:
        return regexec(pattern->regex, event_text, 0, NULL, 0) == 0;
    case PATTERN_JSON:
        /* A JSON pattern never matches an event that is not JSON. */
        return json_is_object(event) && node_match(pattern->root, event);
    }
    return 0;
}
