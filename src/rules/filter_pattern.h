/* CloudWatch Logs filter patterns, as metric filters use them: the JSON
 * syntax ({ ($.eventName = PutRolePolicy) || ($.eventName = %Role.*%) }),
 * the term syntax for unstructured events (ERROR "exact phrase" ?either
 * -not) and a regular expression on its own (%Put.*Policy%).
 * The filter_pattern_matches operator (op_filter.c) parses a pattern with
 * these functions and matches it against sample events. */
#ifndef SOC2_RULES_FILTER_PATTERN_H
#define SOC2_RULES_FILTER_PATTERN_H

#include <jansson.h>
#include <stddef.h>

#include "../util/strbuf.h"

typedef struct filter_pattern filter_pattern;

/* Parses `text`. Returns 0 and stores a new pattern in *out, or -1 with a
 * sentence in `error` saying what is wrong and `*position` set to the
 * 1-based character where the problem is, such as a regular expression
 * that does not compile. Space-delimited patterns ("[ip, user, ...]") are
 * not supported and are rejected the same way. */
int filter_pattern_parse(const char *text, filter_pattern **out, strbuf *error,
                         size_t *position);

/* Returns whether the pattern matches one log event: `event` is the event
 * as JSON (JSON patterns read it) and `event_text` its text (term patterns
 * and regular expressions search it). One pattern may be matched from
 * several threads at once: the matcher only reads the pattern, and glibc's
 * regexec() locks a compiled expression while it uses it. */
int filter_pattern_match(const filter_pattern *pattern, const json_t *event,
                         const char *event_text);

void filter_pattern_free(filter_pattern *pattern);

#endif
