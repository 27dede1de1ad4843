/**
 * @file soc2/engine.h
 * @brief The engine: the set of rules a snapshot is evaluated against.
 *
 * Rules come from three sources and end in the same compiled form: the
 * built-in pack, declarative JSON rules (see docs/rule-language.md), and C
 * callbacks. Each is checked when it is added; an invalid rule is rejected
 * with SOC2_ERULE and a message naming the file, the rule and the place.
 *
 * Thread-safety: adding rules changes the engine and needs exclusive access.
 * Once all rules are added, the engine is only read: any number of threads
 * may evaluate snapshots with it and read its rules at the same time.
 */
#ifndef SOC2_ENGINE_H
#define SOC2_ENGINE_H

#include "common.h"
#include "rule.h"
#include "resource.h"

SOC2_BEGIN_DECLS

/** Opaque engine handle. */
typedef struct soc2_engine soc2_engine;

/** Opaque iterator over the rules of an engine. */
typedef struct soc2_rule_iterator soc2_rule_iterator;

/** Opaque verdict a callback rule fills in (soc2_outcome_set). */
typedef struct soc2_outcome soc2_outcome;

/** The outcome of one rule on one resource. Values are stable. */
typedef enum soc2_finding_status {
    SOC2_FINDING_PASS = 0,    /**< The resource meets the rule. */
    SOC2_FINDING_FAIL = 1,    /**< The resource violates the rule. */
    SOC2_FINDING_UNKNOWN = 2, /**< The outcome depends on a value not known
                                   until apply. */
    SOC2_FINDING_ERROR = 3,   /**< The rule could not be evaluated (for
                                   example a policy that is not valid JSON). */
    SOC2_FINDING_WAIVED = 4   /**< A failure accepted by a waiver. */
} soc2_finding_status;

/** Number of soc2_finding_status values, for arrays indexed by status. */
#define SOC2_FINDING_STATUS_COUNT 5

/**
 * Returns the lower-case name of a finding status ("pass", "fail",
 * "unknown", "error", "waived"), or NULL for another value. Static string.
 */
SOC2_API const char *soc2_finding_status_name(soc2_finding_status status);

/**
 * Creates an engine with no rules.
 *
 * @param[out] out the engine; the caller frees it with soc2_engine_free().
 * @return SOC2_OK, SOC2_EINVAL or SOC2_ENOMEM.
 */
SOC2_API int soc2_engine_new(soc2_engine **out);

/**
 * Frees an engine and its rules. Reports made with the engine must be freed
 * first.
 *
 * @param engine the engine, or NULL (nothing happens).
 */
SOC2_API void soc2_engine_free(soc2_engine *engine);

/**
 * Adds the built-in rule pack.
 *
 * @return SOC2_OK; SOC2_EEXISTS when one of its rule IDs is already in the
 *         engine (nothing is added then); SOC2_ENOMEM.
 */
SOC2_API int soc2_engine_add_builtin_rules(soc2_engine *engine);

/**
 * Returns the version of the built-in rule pack, such as "1.0.0". Its minor
 * number grows when rules are added, its major number when a rule's ID is
 * removed or what it checks changes. Reports name it beside the library
 * version.
 *
 * @return a static string; do not free it.
 *
 * Thread-safety: safe from any thread.
 */
SOC2_API const char *soc2_builtin_rules_version(void);

/**
 * Reads declarative rules from a JSON file: one rule object, a list of rule
 * objects, or an object whose "rules" member is such a list. The file is
 * added whole or not at all.
 *
 * @param engine the engine.
 * @param path the file; its name is kept as the rules' source.
 * @return SOC2_OK; SOC2_EIO; SOC2_EPARSE for malformed JSON (with line and
 *         column); SOC2_ERULE for an invalid rule (the message names the rule
 *         and the JSON pointer of the problem, such as an unknown operator or
 *         a malformed attribute path); SOC2_EEXISTS for a duplicate rule ID;
 *         SOC2_ENOMEM.
 */
SOC2_API int soc2_engine_add_rules_file(soc2_engine *engine, const char *path);

/**
 * Reads declarative rules from memory, as soc2_engine_add_rules_file() does.
 *
 * @param engine the engine.
 * @param data the JSON text; not kept after the call.
 * @param length bytes in `data`.
 * @param name the source name errors and rules report; copied. NULL gives
 *        "<buffer>".
 * @return as soc2_engine_add_rules_file(), without SOC2_EIO.
 */
SOC2_API int soc2_engine_add_rules_buffer(soc2_engine *engine, const char *data,
                                          size_t length, const char *name);

/** Version of soc2_rule_spec this header describes. */
#define SOC2_RULE_SPEC_VERSION 1

/**
 * Metadata of a callback rule. Set `version` to SOC2_RULE_SPEC_VERSION (or
 * start from SOC2_RULE_SPEC_INIT); fields may be added at the end in later
 * versions. Every string is copied by soc2_engine_add_callback_rule().
 */
typedef struct soc2_rule_spec {
    unsigned int version;               /**< SOC2_RULE_SPEC_VERSION. */
    const char *id;                     /**< Stable ID; required. */
    const char *title;                  /**< One-line title; required. */
    soc2_severity severity;             /**< Severity. */
    const char *const *resource_types;  /**< Canonical types read; required
                                             for SOC2_SCOPE_RESOURCE. */
    size_t resource_type_count;         /**< Entries in resource_types. */
    const char *controls_json;          /**< JSON object of framework ID to
                                             control IDs, such as
                                             {"SOC2": ["CC6.1"]}, or NULL. */
    const char *description;            /**< Or NULL. */
    const char *remediation;            /**< Or NULL. */
} soc2_rule_spec;

/** Static initializer for soc2_rule_spec with the current version. */
#define SOC2_RULE_SPEC_INIT {SOC2_RULE_SPEC_VERSION, NULL, NULL, SOC2_SEVERITY_MEDIUM, \
                             NULL, 0, NULL, NULL, NULL}

/**
 * A rule written in C. Called once for each resource of the types the rule
 * reads. It records its verdict with soc2_outcome_set() and returns 0; a
 * nonzero return makes the finding's status SOC2_FINDING_ERROR. A callback
 * that records nothing and returns 0 also yields an error finding.
 *
 * @param outcome where to record the verdict; valid only during the call.
 * @param resource the resource; valid only during the call. Read it with the
 *        functions of soc2/resource.h.
 * @param payload the pointer given to soc2_engine_add_callback_rule().
 *
 * Thread-safety: when several threads evaluate with the same engine at
 * once, the callback runs on each of them, on different resources.
 */
typedef int (*soc2_rule_callback)(soc2_outcome *outcome, const soc2_resource *resource,
                                  void *payload);

/**
 * Records a callback rule's verdict.
 *
 * @param outcome the outcome passed to the callback.
 * @param status the verdict (SOC2_FINDING_WAIVED is not accepted).
 * @param path the attribute path that decided it, or NULL; copied.
 * @param message a sentence for the finding, or NULL for the rule title;
 *        copied.
 * @return SOC2_OK, SOC2_EINVAL or SOC2_ENOMEM.
 */
SOC2_API int soc2_outcome_set(soc2_outcome *outcome, soc2_finding_status status,
                              const char *path, const char *message);

/**
 * Adds a rule implemented by a C function, evaluated per resource.
 *
 * @param engine the engine.
 * @param spec the rule's metadata; copied.
 * @param callback the function; must stay callable while the engine lives.
 * @param payload passed to every call; libsoc2 never dereferences it.
 * @return SOC2_OK; SOC2_EINVAL for a missing ID, title, type list or
 *         callback, or an unsupported spec version; SOC2_ERULE for invalid
 *         controls_json; SOC2_EEXISTS for a duplicate ID; SOC2_ENOMEM.
 */
SOC2_API int soc2_engine_add_callback_rule(soc2_engine *engine, const soc2_rule_spec *spec,
                                           soc2_rule_callback callback, void *payload);

/** Returns the number of rules in the engine. */
SOC2_API size_t soc2_engine_rule_count(const soc2_engine *engine);

/**
 * Finds a rule by ID.
 *
 * @param[out] out the rule, owned by the engine.
 * @return SOC2_OK, SOC2_ENOTFOUND or SOC2_EINVAL.
 */
SOC2_API int soc2_engine_find_rule(const soc2_rule **out, const soc2_engine *engine,
                                   const char *id);

/**
 * Creates an iterator over the rules of an engine, in the order they were
 * added.
 *
 * @param[out] out the iterator; free it with soc2_rule_iterator_free().
 * @return SOC2_OK, SOC2_EINVAL or SOC2_ENOMEM.
 */
SOC2_API int soc2_rule_iterator_new(soc2_rule_iterator **out, const soc2_engine *engine);

/**
 * Advances a rule iterator.
 *
 * @param[out] out the next rule, owned by the engine.
 * @return SOC2_OK, or SOC2_ITEROVER at the end.
 */
SOC2_API int soc2_rule_iterator_next(const soc2_rule **out, soc2_rule_iterator *iterator);

/** Frees a rule iterator; NULL is ignored. */
SOC2_API void soc2_rule_iterator_free(soc2_rule_iterator *iterator);

SOC2_END_DECLS

#endif
