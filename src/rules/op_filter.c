/* The filter_pattern_matches operator: TV_TRUE when a metric filter's
 * pattern (filter_pattern.h) matches every sample event the condition
 * lists. */
#include <stdlib.h>
#include <string.h>

#include "filter_pattern.h"
#include "ops.h"

/* The operator. */

typedef struct filter_state {
    json_t *events; /* a list of objects (owned copy) */
    char **texts;   /* each event as compact JSON, the text term patterns search */
    size_t count;
} filter_state;

static void filter_free(void *opaque)
{
    filter_state *state = opaque;
    if (!state)
        return;
    for (size_t i = 0; i < state->count; i++)
        free(state->texts[i]);
    free(state->texts);
    json_decref(state->events);
    free(state);
}

static int filter_compile(void **out, const json_t *spec, strbuf *error)
{
    const json_t *events = json_object_get(spec, "events");
    if (!events) {
        sb_puts(error, "\"events\" is missing; give a list of sample log events such as "
                       "[{\"eventName\": \"PutRolePolicy\"}]");
        return -1;
    }
    if (!json_is_array(events) || json_array_size(events) == 0) {
        sb_puts(error, "\"events\" must be a non-empty list of sample log events (JSON "
                       "objects)");
        return -1;
    }
    for (size_t i = 0; i < json_array_size(events); i++) {
        if (!json_is_object(json_array_get(events, i))) {
            sb_printf(error, "\"events\"[%zu] is not a JSON object; each sample log event "
                             "must be one", i);
            return -1;
        }
    }

    filter_state *state = calloc(1, sizeof(*state));
    if (state) {
        state->events = json_deep_copy(events);
        state->texts = calloc(json_array_size(events), sizeof(char *));
    }
    if (!state || !state->events || !state->texts) {
        filter_free(state);
        sb_puts(error, "out of memory compiling \"events\"");
        return -1;
    }
    for (; state->count < json_array_size(events); state->count++) {
        char *text = json_dumps(json_array_get(state->events, state->count), JSON_COMPACT);
        if (!text) {
            filter_free(state);
            sb_puts(error, "out of memory compiling \"events\"");
            return -1;
        }
        state->texts[state->count] = text;
    }
    *out = state;
    return 0;
}

/* Maximum number of characters of a sample event quoted in a note. */
#define NOTE_EVENT_CHARS 200

static void filter_eval(const void *opaque, const cursor *at, eval_result *out)
{
    const filter_state *state = opaque;

    switch (cursor_state(at)) {
    case VALUE_MISSING:
        result_set(out, TV_FALSE, at);
        return;
    case VALUE_UNKNOWN:
        result_set(out, TV_UNKNOWN, at);
        result_note(out, "it could be any filter pattern");
        return;
    case VALUE_PRESENT:
        break;
    }
    if (!json_is_string(at->value)) {
        result_set(out, TV_ERROR, at);
        result_note(out, "%s is not a string, so it is not a filter pattern",
                    sb_str(&out->path));
        return;
    }

    /* C string functions would stop at a NUL and read a shorter pattern
     * than the one written. */
    if (memchr(json_string_value(at->value), '\0', json_string_length(at->value))) {
        result_set(out, TV_ERROR, at);
        result_note(out, "the filter pattern in %s contains a NUL character", sb_str(&out->path));
        return;
    }

    filter_pattern *pattern;
    strbuf error = STRBUF_INIT;
    size_t position = 0;
    if (filter_pattern_parse(json_string_value(at->value), &pattern, &error, &position) < 0) {
        result_set(out, TV_ERROR, at);
        result_note(out, "the filter pattern in %s is invalid at character %zu: %s",
                    sb_str(&out->path), position, sb_str(&error));
        sb_free(&error);
        return;
    }
    sb_free(&error);

    for (size_t i = 0; i < state->count; i++) {
        if (filter_pattern_match(pattern, json_array_get(state->events, i), state->texts[i]))
            continue;
        const char *text = state->texts[i];
        int cut = strlen(text) > NOTE_EVENT_CHARS;
        result_set(out, TV_FALSE, at);
        result_note(out, "the pattern does not match sample event %zu: %.*s%s", i,
                    NOTE_EVENT_CHARS, text, cut ? "..." : "");
        filter_pattern_free(pattern);
        return;
    }

    result_set(out, TV_TRUE, at);
    result_note(out, "the pattern matches all %zu sample events", state->count);
    filter_pattern_free(pattern);
}

static const char *const filter_params[] = {"events", NULL};

const domain_op op_filter_pattern_matches = {
    "filter_pattern_matches", filter_params, filter_compile, filter_free, filter_eval,
};
