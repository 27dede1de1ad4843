/**
 * @file soc2/report.h
 * @brief Evaluating a snapshot with an engine, and reading the findings and
 *        the per-control posture of the resulting report.
 *
 * A report borrows from the engine and the snapshot it was made from: both
 * must outlive it. Strings read from findings are owned by the report, the
 * snapshot or the engine and stay valid while the report lives.
 *
 * Thread-safety: a report belongs to one thread at a time.
 */
#ifndef SOC2_REPORT_H
#define SOC2_REPORT_H

#include "common.h"
#include "engine.h"
#include "progress.h"

SOC2_BEGIN_DECLS

/** Opaque report handle. */
typedef struct soc2_report soc2_report;

/** Opaque finding handle, owned by its report. */
typedef struct soc2_finding soc2_finding;

/** Opaque iterator over the findings of a report. */
typedef struct soc2_finding_iterator soc2_finding_iterator;

/** Opaque posture of one control, owned by its report. */
typedef struct soc2_posture soc2_posture;

/** Opaque iterator over the posture of each control of a framework. */
typedef struct soc2_posture_iterator soc2_posture_iterator;

/** Version of soc2_eval_options this header describes: 2 added the
 *  progress callback. */
#define SOC2_EVAL_OPTIONS_VERSION 2

/**
 * Options for soc2_evaluate(). Set `version` to SOC2_EVAL_OPTIONS_VERSION
 * (or start from SOC2_EVAL_OPTIONS_INIT); fields may be added at the end in
 * later versions.
 */
typedef struct soc2_eval_options {
    unsigned int version;        /**< SOC2_EVAL_OPTIONS_VERSION. */
    const char *const *rule_ids; /**< Evaluate only these rules, or NULL for
                                      every rule in the engine. */
    size_t rule_id_count;        /**< Entries in rule_ids. */
    soc2_progress_callback progress; /**< Receives SOC2_PROGRESS_EVALUATE
                                          before each rule and when all are
                                          done, or NULL. Since version 2. */
    void *progress_payload;          /**< Passed to `progress`. */
} soc2_eval_options;

/** Static initializer for soc2_eval_options with the current version. */
#define SOC2_EVAL_OPTIONS_INIT {SOC2_EVAL_OPTIONS_VERSION, NULL, 0, NULL, NULL}

/**
 * Evaluates every rule of the engine against the snapshot.
 *
 * Findings come in a deterministic order: by rule in engine order, then by
 * resource in load order.
 *
 * @param[out] out the report; the caller frees it with soc2_report_free()
 *             before freeing the engine or the snapshot.
 * @param engine the engine; only read, so it may be shared between threads.
 * @param snapshot the snapshot; libsoc2 builds lookup indexes in it on the
 *        first evaluation after a load, so it needs exclusive access.
 * @param options options, or NULL for the defaults.
 * @return SOC2_OK; SOC2_EINVAL for NULL arguments, an unsupported options
 *         version, or a rule ID in the options that the engine does not
 *         have; SOC2_EUSER when the progress callback cancelled;
 *         SOC2_ENOMEM. A rule that cannot be evaluated on a resource does
 *         not fail the call: its finding gets SOC2_FINDING_ERROR.
 */
SOC2_API int soc2_evaluate(soc2_report **out, const soc2_engine *engine,
                           soc2_snapshot *snapshot, const soc2_eval_options *options);

/** Frees a report; NULL is ignored. */
SOC2_API void soc2_report_free(soc2_report *report);

/** Returns the number of findings in the report. */
SOC2_API size_t soc2_report_finding_count(const soc2_report *report);

/** Returns the number of findings with the given status. */
SOC2_API size_t soc2_report_count(const soc2_report *report, soc2_finding_status status);

/**
 * Creates an iterator over the findings of a report.
 *
 * @param[out] out the iterator; free it with soc2_finding_iterator_free()
 *             before the report.
 * @return SOC2_OK, SOC2_EINVAL or SOC2_ENOMEM.
 */
SOC2_API int soc2_finding_iterator_new(soc2_finding_iterator **out,
                                       const soc2_report *report);

/**
 * Advances a finding iterator.
 *
 * @param[out] out the next finding, owned by the report.
 * @return SOC2_OK, or SOC2_ITEROVER at the end.
 */
SOC2_API int soc2_finding_iterator_next(const soc2_finding **out,
                                        soc2_finding_iterator *iterator);

/** Frees a finding iterator; NULL is ignored. */
SOC2_API void soc2_finding_iterator_free(soc2_finding_iterator *iterator);

/** Returns the rule that produced the finding (owned by the engine). Its
 *  controls are the finding's controls (see soc2_control_iterator_new). */
SOC2_API const soc2_rule *soc2_finding_rule(const soc2_finding *finding);

/** Returns the ID of the rule that produced the finding. */
SOC2_API const char *soc2_finding_rule_id(const soc2_finding *finding);

/** Returns the status. */
SOC2_API soc2_finding_status soc2_finding_status_of(const soc2_finding *finding);

/** Returns the severity of the finding's rule. */
SOC2_API soc2_severity soc2_finding_severity(const soc2_finding *finding);

/**
 * Returns the resource the finding is about, or NULL for a finding of an
 * account-scope rule.
 */
SOC2_API const soc2_resource *soc2_finding_resource(const soc2_finding *finding);

/** Returns the address of the resource, or "account" for an account-scope
 *  finding. */
SOC2_API const char *soc2_finding_resource_address(const soc2_finding *finding);

/** Returns the canonical type of the resource, or "aws_account" for an
 *  account-scope finding. */
SOC2_API const char *soc2_finding_resource_type(const soc2_finding *finding);

/**
 * Returns the attribute path that decided the outcome, such as
 * `ingress[1].cidr_blocks[0]`, or "" when no single attribute did (for
 * example an account-scope rule with no candidate resource).
 */
SOC2_API const char *soc2_finding_path(const soc2_finding *finding);

/**
 * Returns the address of the resource that holds the deciding value when it
 * is not the finding's resource: the folded split-configuration resource the
 * value came from (an `aws_security_group_rule`), or a related resource a
 * cross-resource rule followed (an `aws_flow_log`). NULL otherwise.
 */
SOC2_API const char *soc2_finding_evidence_resource(const soc2_finding *finding);

/** Returns the name of the document the deciding resource came from, or
 *  NULL when there is none. */
SOC2_API const char *soc2_finding_file(const soc2_finding *finding);

/**
 * Returns the finding's fingerprint: 32 lower-case hex digits of the XXH3
 * 128-bit hash of its rule ID, resource address and deciding path. It stays
 * the same while those do, whatever the file, the line, the status or the
 * message, so tools can follow one finding from scan to scan. Owned by the
 * report.
 */
SOC2_API const char *soc2_finding_fingerprint(const soc2_finding *finding);

/** Returns the finding's message: one or two sentences for a person. */
SOC2_API const char *soc2_finding_message(const soc2_finding *finding);

/**
 * Gives the place in soc2_finding_file() of the value that decided the
 * finding: the attribute at soc2_finding_path() as the input wrote it (the
 * CidrIp of a CloudFormation ingress rule, a statement of a policy). It is
 * the resource when no attribute decided, or when the deciding attribute is
 * missing from the input (a setting left out), in every format alike.
 *
 * Positions are computed the first time any finding of the report is asked
 * (or the report is written), for all findings at once: one pass over each
 * document's text, or the positions the YAML parser recorded.
 *
 * @param finding the finding.
 * @param[out] line 1-based line; may be NULL.
 * @param[out] column 1-based column; may be NULL.
 * @return SOC2_OK; SOC2_ENOTFOUND when the place is not known (an
 *         account-scope finding without a candidate, a placeholder
 *         resource); SOC2_ENOMEM; SOC2_EINVAL.
 *
 * Thread-safety: fills a cache in the report, which belongs to one thread.
 */
SOC2_API int soc2_finding_location(const soc2_finding *finding, int *line, int *column);

/**
 * Gives the place of the finding's resource in its file
 * (soc2_resource_file() of soc2_finding_resource()).
 *
 * @return as soc2_finding_location().
 */
SOC2_API int soc2_finding_resource_location(const soc2_finding *finding, int *line,
                                            int *column);

/**
 * Creates an iterator over the posture of each control of a framework: for
 * every control that at least one evaluated rule supports, how many of its
 * findings passed, failed and so on.
 *
 * @param[out] out the iterator; free it with soc2_posture_iterator_free().
 * @param report the report.
 * @param framework the framework ID, such as "SOC2".
 * @return SOC2_OK, SOC2_EINVAL or SOC2_ENOMEM. An unknown framework gives
 *         an empty iteration.
 */
SOC2_API int soc2_posture_iterator_new(soc2_posture_iterator **out,
                                       const soc2_report *report,
                                       const char *framework);

/**
 * Advances a posture iterator. Controls come in natural order ("CC2.1"
 * before "CC6.1" before "CC6.10").
 *
 * @param[out] out the posture, owned by the report.
 * @return SOC2_OK, or SOC2_ITEROVER at the end.
 */
SOC2_API int soc2_posture_iterator_next(const soc2_posture **out,
                                        soc2_posture_iterator *iterator);

/** Frees a posture iterator; NULL is ignored. */
SOC2_API void soc2_posture_iterator_free(soc2_posture_iterator *iterator);

/** Returns the control ID ("CC6.1"). */
SOC2_API const char *soc2_posture_control(const soc2_posture *posture);

/** Returns the number of findings with `status` among the findings of the
 *  rules that support this control. */
SOC2_API size_t soc2_posture_count(const soc2_posture *posture,
                                   soc2_finding_status status);

SOC2_END_DECLS

#endif
