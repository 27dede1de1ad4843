/**
 * @file soc2/snapshot.h
 * @brief A snapshot: the resources of one or more input documents, in the
 *        canonical resource model, ready to be evaluated.
 *
 * Each load call reads one document (a Terraform plan, a CloudFormation
 * template, ...), detects or checks its format, and normalizes its resources
 * onto the canonical model: Terraform AWS provider type and attribute names,
 * split configuration folded onto the resource it configures, references
 * between resources resolved, and values not known until apply marked
 * unknown. A load that fails leaves the snapshot as it was.
 *
 * Thread-safety: a snapshot belongs to one thread at a time. Different
 * snapshots may be used from different threads at once.
 */
#ifndef SOC2_SNAPSHOT_H
#define SOC2_SNAPSHOT_H

#include "common.h"
#include "progress.h"

SOC2_BEGIN_DECLS

/** Opaque snapshot handle. */
typedef struct soc2_snapshot soc2_snapshot;

/** Opaque resource handle, owned by its snapshot (see soc2/resource.h). */
typedef struct soc2_resource soc2_resource;

/** Input formats. Values are stable; new formats are only added. */
typedef enum soc2_format {
    SOC2_FORMAT_AUTO = 0,            /**< Detect the format from the content. */
    SOC2_FORMAT_TERRAFORM_PLAN = 1,  /**< `terraform show -json` of a plan. */
    SOC2_FORMAT_CLOUDFORMATION = 2,  /**< CloudFormation template, JSON or YAML. */
    SOC2_FORMAT_TERRAFORM_STATE = 3, /**< `terraform show -json` of a state, or
                                          a terraform.tfstate file (version 4). */
    SOC2_FORMAT_AWS_CONFIG = 4,      /**< AWS Config snapshot or configuration
                                          items from the Config API. */
    SOC2_FORMAT_NATIVE = 5           /**< libsoc2's own JSON resource list
                                          (docs/native-format.md). */
} soc2_format;

/** Settings that bound the work a load may do (soc2_snapshot_set_limit). */
typedef enum soc2_limit {
    /** Largest input document in bytes. Default 1 GiB. */
    SOC2_LIMIT_INPUT_BYTES = 1,
    /** Most resources one snapshot may hold. Default 10,000,000. */
    SOC2_LIMIT_RESOURCES = 2
} soc2_limit;

/**
 * Returns the short name of a format ("terraform-plan", "cloudformation",
 * "terraform-state", "aws-config", "native", "auto"), or NULL for a value
 * that is not a soc2_format.
 *
 * @return a static string; do not free it.
 *
 * Thread-safety: safe from any thread.
 */
SOC2_API const char *soc2_format_name(soc2_format format);

/**
 * Looks up a format by the name soc2_format_name() returns.
 *
 * @param[out] out the format.
 * @param name a format name such as "terraform-plan".
 * @return SOC2_OK, or SOC2_ENOTFOUND when no format has that name,
 *         or SOC2_EINVAL when an argument is NULL.
 *
 * Thread-safety: safe from any thread.
 */
SOC2_API int soc2_format_from_name(soc2_format *out, const char *name);

/**
 * Creates an empty snapshot.
 *
 * @param[out] out the new snapshot; the caller frees it with
 *             soc2_snapshot_free().
 * @return SOC2_OK, SOC2_EINVAL when `out` is NULL, or SOC2_ENOMEM.
 *
 * Thread-safety: safe from any thread.
 */
SOC2_API int soc2_snapshot_new(soc2_snapshot **out);

/**
 * Frees a snapshot and every resource in it. Resources, iterators and
 * reports made from the snapshot must not be used afterwards.
 *
 * @param snapshot the snapshot, or NULL (nothing happens).
 */
SOC2_API void soc2_snapshot_free(soc2_snapshot *snapshot);

/**
 * Sets a limit for later loads into this snapshot.
 *
 * @param snapshot the snapshot.
 * @param limit which limit to set.
 * @param value the new limit; must be greater than zero.
 * @return SOC2_OK, or SOC2_EINVAL for an unknown limit or a zero value.
 */
SOC2_API int soc2_snapshot_set_limit(soc2_snapshot *snapshot, soc2_limit limit,
                                     size_t value);

/**
 * Sets the callback that receives the progress of later loads into this
 * snapshot: SOC2_PROGRESS_PARSE as each document is parsed. Returning
 * nonzero from it cancels the load, which fails with SOC2_EUSER and leaves
 * the snapshot unchanged.
 *
 * @param snapshot the snapshot.
 * @param callback the callback, or NULL for none.
 * @param payload passed to every call; borrowed.
 * @return SOC2_OK, or SOC2_EINVAL when `snapshot` is NULL.
 */
SOC2_API int soc2_snapshot_set_progress(soc2_snapshot *snapshot,
                                        soc2_progress_callback callback, void *payload);

/**
 * Reads one document from a file and adds its resources to the snapshot.
 * JSON documents are read as JSON; a document that is not JSON is read as
 * YAML (CloudFormation templates in YAML, with the short-form tags such as
 * !Ref and !Sub).
 *
 * @param snapshot the snapshot to add to.
 * @param path the file to read; libsoc2 keeps a copy of the path as the
 *        document name that findings report.
 * @param format the expected format, or SOC2_FORMAT_AUTO to detect it.
 * @return SOC2_OK; SOC2_EIO when the file cannot be read; SOC2_EPARSE for
 *         malformed JSON (the last error has the line and column);
 *         SOC2_EUNRECOGNIZED when the document is of no supported format,
 *         looks like several, or is not of the format requested (the
 *         message names the formats tried); SOC2_EFORMAT when it does not
 *         follow its format (the last error names the place as a JSON
 *         pointer, with its line); SOC2_ELIMIT when a limit is exceeded;
 *         SOC2_EUSER when the progress callback cancelled the load;
 *         SOC2_ENOMEM.
 *         On failure the snapshot is unchanged.
 */
SOC2_API int soc2_snapshot_load_file(soc2_snapshot *snapshot, const char *path,
                                     soc2_format format);

/**
 * Reads one document from memory and adds its resources to the snapshot.
 *
 * @param snapshot the snapshot to add to.
 * @param data the document; need not be NUL-terminated. libsoc2 does not
 *        keep a reference to it after the call returns.
 * @param length the number of bytes in `data`.
 * @param name the name findings and errors report for this document (a
 *        file name, say); copied. NULL gives "<buffer>".
 * @param format the expected format, or SOC2_FORMAT_AUTO to detect it.
 * @return as soc2_snapshot_load_file(), without SOC2_EIO.
 */
SOC2_API int soc2_snapshot_load_buffer(soc2_snapshot *snapshot, const char *data,
                                       size_t length, const char *name,
                                       soc2_format format);

/**
 * Returns the number of resources in the snapshot, folded split
 * configuration resources included.
 */
SOC2_API size_t soc2_snapshot_resource_count(const soc2_snapshot *snapshot);

/**
 * Returns the number of documents loaded into the snapshot.
 */
SOC2_API size_t soc2_snapshot_document_count(const soc2_snapshot *snapshot);

/**
 * Describes the document at `index` (0-based, in load order).
 *
 * @param snapshot the snapshot.
 * @param index the document index.
 * @param[out] name the document name; owned by the snapshot. May be NULL.
 * @param[out] format the detected or requested format. May be NULL.
 * @return SOC2_OK, or SOC2_ENOTFOUND when `index` is out of range.
 */
SOC2_API int soc2_snapshot_document(const soc2_snapshot *snapshot, size_t index,
                                    const char **name, soc2_format *format);

SOC2_END_DECLS

#endif
