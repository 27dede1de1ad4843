/* The engine and its rules as the evaluator sees them. */
#ifndef SOC2_RULES_RULE_INTERNAL_H
#define SOC2_RULES_RULE_INTERNAL_H

#include <soc2/engine.h>
#include <soc2/rule.h>

#include "condition.h"
#include "../util/strmap.h"

typedef struct control_ref {
    char *framework;
    char *control;
} control_ref;

struct soc2_rule {
    char *id;
    char *title;
    char *description;
    char *remediation;
    char *message; /* sentence for a failed finding; the title when absent */
    char *source;
    char *pointer; /* JSON pointer of the rule in its document, or NULL */
    soc2_severity severity;
    soc2_rule_scope scope;
    soc2_rule_origin origin;
    char **types;
    size_t type_count;
    control_ref *controls;
    size_t control_count, control_cap;
    condition *assertion;        /* declarative and built-in rules */
    soc2_rule_callback callback; /* callback rules */
    void *payload;
    size_t index; /* position in the engine */
};

struct soc2_engine {
    soc2_rule **rules;
    size_t count, cap;
    strmap by_id;
};

void rule_free(soc2_rule *rule);

/* Returns whether `id` is a valid rule ID: letters, digits, '-', '_', '.'. */
int rule_id_is_valid(const char *id);

/* Adds a control unless the rule already lists it. Returns 0 or -1 when
 * memory runs out. */
int rule_add_control(soc2_rule *rule, const char *framework, const char *control);

/* Parses a controls object {"FRAMEWORK": ["ID", ...]} into the rule. On a
 * malformed object returns -1 with a sentence in `error`. */
int rule_add_controls_json(soc2_rule *rule, const json_t *controls, strbuf *error);

/* Adds compiled rules to the engine, all or none. Fails with SOC2_EEXISTS
 * when an ID is taken (by the engine or twice in `rules`); the error names
 * `source`. On success the engine owns the rules; on failure the caller
 * still does. */
int engine_add_rules(soc2_engine *engine, soc2_rule **rules, size_t count, const char *source);

/* Compiles the rules of one JSON document (a rule, a list of rules, or
 * {"rules": [...]}). `text` is the document's text, used to give line
 * numbers in errors. On success *out holds *count rules the caller owns. */
int compile_rules_document(soc2_rule ***out, size_t *count, const json_t *root,
                           const char *source, soc2_rule_origin origin, const char *text,
                           size_t text_length);

#endif
