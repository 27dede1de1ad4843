/**
 * @file soc2/progress.h
 * @brief Progress of long operations, for a host that shows it or wants to
 *        cancel: parsing a large document, evaluating many rules.
 *
 * Thread-safety: a callback runs on the thread of the call that reports
 * progress, before that call returns.
 */
#ifndef SOC2_PROGRESS_H
#define SOC2_PROGRESS_H

#include "common.h"

SOC2_BEGIN_DECLS

/** The quantity a progress report counts. Values are stable. */
typedef enum soc2_progress_stage {
    /** Parsing a document: `done` and `total` count its bytes. */
    SOC2_PROGRESS_PARSE = 1,
    /** Evaluating: `done` and `total` count the rules to evaluate. */
    SOC2_PROGRESS_EVALUATE = 2
} soc2_progress_stage;

/**
 * Receives progress. Within one stage `done` only grows, and the last
 * report of a stage that completes has `done` equal to `total`. Reports
 * come at most once per mebibyte parsed and once per rule.
 *
 * @param stage what is counted.
 * @param done how much is done.
 * @param total how much there is in all.
 * @param payload the pointer given with the callback.
 * @return 0 to go on; nonzero cancels the operation, which then fails with
 *         SOC2_EUSER and changes nothing.
 */
typedef int (*soc2_progress_callback)(soc2_progress_stage stage, unsigned long long done,
                                      unsigned long long total, void *payload);

SOC2_END_DECLS

#endif
