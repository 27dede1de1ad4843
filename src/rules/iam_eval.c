/* Helpers the IAM operators share (iam_eval.h). */
#include "iam_eval.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Notes. */

void iam_append_quoted(strbuf *sb, const char *s)
{
    sb_putc(sb, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            sb_putc(sb, '\\');
        sb_putc(sb, *s);
    }
    sb_putc(sb, '"');
}

void iam_append_element(strbuf *sb, const cursor *element)
{
    size_t count = iam_element_count(element);
    int list = cursor_state(element) == VALUE_PRESENT && json_is_array(element->value);
    if (list)
        sb_putc(sb, '[');
    for (size_t i = 0; i < count; i++) {
        cursor item;
        iam_item kind = iam_element_item(element, i, &item);
        if (i)
            sb_puts(sb, ", ");
        if (kind == IAM_ITEM_STRING)
            iam_append_quoted(sb, json_string_value(item.value));
        else if (kind == IAM_ITEM_REFERENCE)
            sb_puts(sb, "(a reference)");
        else
            sb_puts(sb, "(unknown)");
    }
    if (list)
        sb_putc(sb, ']');
}

void iam_note_unknown(strbuf *where, const cursor *part)
{
    if (where->len == 0)
        cursor_render_path(part, where);
}

/* Element tests. */

tv iam_element_any(const cursor *element, iam_text_test test, const void *context,
                   size_t *hit, strbuf *where)
{
    tv verdict = TV_FALSE;
    size_t count = iam_element_count(element);
    for (size_t i = 0; i < count; i++) {
        cursor item;
        switch (iam_element_item(element, i, &item)) {
        case IAM_ITEM_STRING:
            if (test(json_string_value(item.value), context)) {
                if (hit)
                    *hit = i;
                return TV_TRUE;
            }
            break;
        case IAM_ITEM_UNKNOWN:
            iam_note_unknown(where, &item);
            verdict = TV_UNKNOWN;
            break;
        default:
            break;
        }
    }
    return verdict;
}

int iam_is_star(const char *text, const void *context)
{
    (void)context;
    size_t length = strlen(text);
    return length > 0 && strspn(text, "*") == length;
}

iam_coverage iam_element_covers(const cursor *element, iam_cover_test test, const void *context,
                                strbuf *where)
{
    iam_coverage coverage = {TV_FALSE, SIZE_MAX};
    size_t count = iam_element_count(element);
    const char **patterns = malloc((count ? count : 1) * sizeof(*patterns));
    if (!patterns) {
        coverage.verdict = TV_ERROR;
        sb_reset(where);
        cursor_render_path(element, where);
        return coverage;
    }

    /* One item that matches every name alone makes the best note. */
    size_t known = 0;
    int unknown = 0, undecided = 0;
    for (size_t i = 0; i < count; i++) {
        cursor item;
        switch (iam_element_item(element, i, &item)) {
        case IAM_ITEM_STRING:
            patterns[known] = json_string_value(item.value);
            switch (test(&patterns[known], 1, context)) {
            case IAM_COVER_YES:
                coverage.verdict = TV_TRUE;
                coverage.hit = i;
                free(patterns);
                return coverage;
            case IAM_COVER_UNDECIDED:
                undecided = 1;
                break;
            case IAM_COVER_NO:
                break;
            }
            known++;
            break;
        case IAM_ITEM_UNKNOWN:
            iam_note_unknown(where, &item);
            unknown = 1;
            break;
        default:
            break;
        }
    }

    iam_cover together = known > 1 ? test(patterns, known, context)
                                   : undecided ? IAM_COVER_UNDECIDED : IAM_COVER_NO;
    free(patterns);
    if (together == IAM_COVER_YES) {
        coverage.verdict = TV_TRUE;
    } else if (together == IAM_COVER_UNDECIDED) {
        coverage.verdict = TV_ERROR;
        sb_reset(where);
        cursor_render_path(element, where);
    } else if (unknown) {
        coverage.verdict = TV_UNKNOWN;
    }
    return coverage;
}

/* Statements. */

tv iam_effect_allows(const cursor *statement, strbuf *where)
{
    switch (iam_statement_effect(statement)) {
    case IAM_EFFECT_ALLOW:
        return TV_TRUE;
    case IAM_EFFECT_DENY:
        return TV_FALSE;
    case IAM_EFFECT_UNKNOWN:
        break;
    }
    cursor effect;
    cursor_child_key(&effect, statement, "Effect");
    iam_note_unknown(where, cursor_state(statement) == VALUE_UNKNOWN ? statement : &effect);
    return TV_UNKNOWN;
}

static void set_at(eval_result *out, tv value, const cursor *statement, const strbuf *where)
{
    result_set(out, value, statement);
    if (where->len) {
        sb_reset(&out->path);
        sb_puts(&out->path, sb_str(where));
    }
}

void iam_set_unknown(eval_result *out, const cursor *statement, const strbuf *where,
                     const char *what)
{
    set_at(out, TV_UNKNOWN, statement, where);
    result_note(out, "%s depends on it", what);
}

static const char *plural(size_t count)
{
    return count == 1 ? "" : "s";
}

/* Counts the string items of the element of `statement` whose rendered
 * path is `path`. Returns 0 when no element has that path. */
static int count_element_patterns(const cursor *statement, const char *path,
                                  iam_pattern_counts *counts)
{
    static const char *const names[] = {"Action", "NotAction", "Resource", "NotResource"};
    for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
        cursor element;
        strbuf rendered = STRBUF_INIT;
        cursor_child_key(&element, statement, names[n]);
        cursor_render_path(&element, &rendered);
        int found = strcmp(sb_str(&rendered), path) == 0;
        sb_free(&rendered);
        if (!found)
            continue;

        size_t count = iam_element_count(&element);
        const char **patterns = malloc((count ? count : 1) * sizeof(*patterns));
        if (!patterns)
            return 0;
        size_t known = 0;
        for (size_t i = 0; i < count; i++) {
            cursor item;
            if (iam_element_item(&element, i, &item) == IAM_ITEM_STRING)
                patterns[known++] = json_string_value(item.value);
        }
        *counts = iam_patterns_count(patterns, known);
        free(patterns);
        return 1;
    }
    return 0;
}

void iam_set_undecided(eval_result *out, const cursor *statement, const strbuf *where,
                       const char *what)
{
    set_at(out, TV_ERROR, statement, where);
    const char *path = sb_str(&out->path);

    /* The coverage tests report no reason, so the note names the sizes
     * that decide which limit applied.
     * NOTE: memory running out during the search reads as a search limit. */
    iam_pattern_counts counts;
    if (!count_element_patterns(statement, path, &counts) || counts.wildcard_patterns == 0) {
        result_note(out, "whether %s matches every %s could not be decided because memory ran out",
                    path, what);
    } else if (counts.wildcard_chars > IAM_COVER_MAX_WILDCARD_CHARS) {
        result_note(out,
                    "%s has %zu wildcard pattern%s with %zu characters in all, more than the %d "
                    "that the coverage check reads, so whether they match every %s is not "
                    "decided; write fewer or shorter wildcard patterns",
                    path, counts.wildcard_patterns, plural(counts.wildcard_patterns),
                    counts.wildcard_chars, IAM_COVER_MAX_WILDCARD_CHARS, what);
    } else if (counts.plain_patterns > 0) {
        result_note(out,
                    "%s has %zu wildcard pattern%s and %zu pattern%s without a wildcard. "
                    "Deciding whether they match every %s takes more than the search limits "
                    "of the coverage check; write fewer, simpler wildcard patterns",
                    path, counts.wildcard_patterns, plural(counts.wildcard_patterns),
                    counts.plain_patterns, plural(counts.plain_patterns), what);
    } else {
        result_note(out,
                    "%s has %zu wildcard pattern%s. Deciding whether they match every %s takes "
                    "more than the search limits of the coverage check; write fewer, simpler "
                    "wildcard patterns",
                    path, counts.wildcard_patterns, plural(counts.wildcard_patterns), what);
    }
}

void iam_eval_statements(const void *state, const cursor *at, eval_result *out,
                         iam_statement_test test)
{
    iam_policy policy;
    if (iam_policy_open(&policy, at, out) == TV_TRUE)
        iam_eval_policy(state, &policy, at, out, test);
    iam_policy_close(&policy);
}

void iam_eval_policy(const void *state, const iam_policy *policy, const cursor *at,
                     eval_result *out, iam_statement_test test)
{
    eval_result scratch;
    result_init(&scratch);
    tv pending = TV_FALSE; /* the value `out` holds: TV_ERROR or TV_UNKNOWN */
    for (size_t i = 0; i < policy->count; i++) {
        cursor statement;
        iam_policy_statement(policy, i, &statement);
        tv verdict;
        if (cursor_state(&statement) == VALUE_MISSING && statement.mask) {
            /* Only unknown parts of the statement are given: it could
             * grant anything. */
            result_set(&scratch, TV_UNKNOWN, &statement);
            result_note(&scratch, "the statement could grant anything");
            verdict = TV_UNKNOWN;
        } else {
            verdict = test(state, policy, i, &statement, &scratch);
        }
        if (verdict == TV_TRUE) {
            result_move(out, &scratch);
            goto done;
        }
        int better = (verdict == TV_ERROR && pending != TV_ERROR) ||
                     (verdict == TV_UNKNOWN && pending == TV_FALSE);
        if (better) {
            pending = verdict;
            result_move(out, &scratch);
        }
    }
    if (pending == TV_FALSE)
        result_set(out, TV_FALSE, at);

done:
    result_free(&scratch);
}
