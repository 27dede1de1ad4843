/**
 * @file soc2/rule.h
 * @brief Rules as registered in an engine: metadata, framework controls,
 *        and the types used to write a rule in C.
 *
 * A rule is owned by the engine it was added to; every pointer read from a
 * rule is valid until the engine is freed.
 *
 * Thread-safety: the accessors only read and may be called from any thread
 * while no thread adds rules to the engine.
 */
#ifndef SOC2_RULE_H
#define SOC2_RULE_H

#include "common.h"
#include "snapshot.h"

SOC2_BEGIN_DECLS

/** Opaque rule handle, owned by its engine. */
typedef struct soc2_rule soc2_rule;

/** Opaque iterator over the framework controls a rule supports. */
typedef struct soc2_control_iterator soc2_control_iterator;

/** How serious a failed rule is. Larger is more serious. */
typedef enum soc2_severity {
    SOC2_SEVERITY_INFO = 0,
    SOC2_SEVERITY_LOW = 1,
    SOC2_SEVERITY_MEDIUM = 2,
    SOC2_SEVERITY_HIGH = 3,
    SOC2_SEVERITY_CRITICAL = 4
} soc2_severity;

/** What a rule is evaluated against. */
typedef enum soc2_rule_scope {
    /** Once per resource of each type the rule reads. */
    SOC2_SCOPE_RESOURCE = 0,
    /** Once per snapshot, over all its resources (for example "at least one
     *  multi-region trail exists"). */
    SOC2_SCOPE_ACCOUNT = 1
} soc2_rule_scope;

/** Where a rule came from. */
typedef enum soc2_rule_origin {
    SOC2_RULE_BUILTIN = 0,     /**< Compiled into the library. */
    SOC2_RULE_DECLARATIVE = 1, /**< A JSON rule file or buffer. */
    SOC2_RULE_CALLBACK = 2     /**< A C function (or a binding's). */
} soc2_rule_origin;

/**
 * Returns the lower-case name of a severity ("high"), or NULL for a value
 * that is not a soc2_severity. The string is static.
 */
SOC2_API const char *soc2_severity_name(soc2_severity severity);

/**
 * Looks up a severity by its name (case-insensitive).
 *
 * @return SOC2_OK, SOC2_ENOTFOUND, or SOC2_EINVAL for NULL arguments.
 */
SOC2_API int soc2_severity_from_name(soc2_severity *out, const char *name);

/** Returns the stable rule ID, such as "aws-iam-no-admin-policy". */
SOC2_API const char *soc2_rule_id(const soc2_rule *rule);

/** Returns the one-line title. */
SOC2_API const char *soc2_rule_title(const soc2_rule *rule);

/** Returns the description, or "" when the rule has none. */
SOC2_API const char *soc2_rule_description(const soc2_rule *rule);

/** Returns the remediation guidance, or "" when the rule has none. */
SOC2_API const char *soc2_rule_remediation(const soc2_rule *rule);

/** Returns the severity. */
SOC2_API soc2_severity soc2_rule_severity(const soc2_rule *rule);

/** Returns whether the rule runs per resource or per snapshot. */
SOC2_API soc2_rule_scope soc2_rule_scope_of(const soc2_rule *rule);

/** Returns where the rule came from. */
SOC2_API soc2_rule_origin soc2_rule_origin_of(const soc2_rule *rule);

/** Returns the file or buffer name a declarative rule was read from, "" for
 *  callback rules, and "builtin:FILE" (such as "builtin:iam.json") for the
 *  built-in pack. */
SOC2_API const char *soc2_rule_source(const soc2_rule *rule);

/** Returns the number of resource types the rule reads. */
SOC2_API size_t soc2_rule_resource_type_count(const soc2_rule *rule);

/**
 * Returns the resource type at `index` (0-based), or NULL when `index` is
 * out of range.
 */
SOC2_API const char *soc2_rule_resource_type(const soc2_rule *rule, size_t index);

/**
 * Creates an iterator over the controls a rule supports.
 *
 * @param[out] out the iterator; free it with soc2_control_iterator_free().
 * @param rule the rule.
 * @param framework a framework ID such as "SOC2" or "CIS-AWS" to list only
 *        that framework's controls, or NULL for all of them.
 * @return SOC2_OK, SOC2_EINVAL or SOC2_ENOMEM.
 */
SOC2_API int soc2_control_iterator_new(soc2_control_iterator **out,
                                       const soc2_rule *rule,
                                       const char *framework);

/**
 * Advances a control iterator. Controls come sorted by framework ID, then by
 * control ID in natural order ("CC6.2" before "CC6.10").
 *
 * @param[out] framework the framework ID ("SOC2"); may be NULL.
 * @param[out] control the control ID ("CC6.1"); may be NULL.
 * @param iterator the iterator.
 * @return SOC2_OK, or SOC2_ITEROVER at the end.
 */
SOC2_API int soc2_control_iterator_next(const char **framework, const char **control,
                                        soc2_control_iterator *iterator);

/** Frees a control iterator; NULL is ignored. */
SOC2_API void soc2_control_iterator_free(soc2_control_iterator *iterator);

SOC2_END_DECLS

#endif
