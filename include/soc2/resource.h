/**
 * @file soc2/resource.h
 * @brief Reading the resources of a snapshot: iteration, identity and
 *        attribute lookup by path.
 *
 * A resource is owned by its snapshot; every pointer read from it is valid
 * until the snapshot is freed or loaded into again.
 *
 * Attribute paths use the canonical model's names: dotted keys with list
 * indexes in brackets, such as `ingress[0].cidr_blocks[1]` or
 * `server_side_encryption[0].kms_key_arn`. A key that is not a plain
 * identifier is written as a quoted index: `tags["Cost Center"]`.
 *
 * Thread-safety: the functions here only read. Several threads may read one
 * snapshot at the same time as long as none loads into it.
 */
#ifndef SOC2_RESOURCE_H
#define SOC2_RESOURCE_H

#include "common.h"
#include "snapshot.h"

SOC2_BEGIN_DECLS

/** Opaque iterator over the resources of a snapshot. */
typedef struct soc2_resource_iterator soc2_resource_iterator;

/**
 * Creates an iterator over every resource of a snapshot, in load order.
 *
 * @param[out] out the iterator; free it with soc2_resource_iterator_free()
 *             before the snapshot.
 * @param snapshot the snapshot to walk; must not be loaded into while the
 *        iterator is in use.
 * @return SOC2_OK, SOC2_EINVAL or SOC2_ENOMEM.
 */
SOC2_API int soc2_resource_iterator_new(soc2_resource_iterator **out,
                                        const soc2_snapshot *snapshot);

/**
 * Advances the iterator.
 *
 * @param[out] out the next resource, owned by the snapshot.
 * @param iterator the iterator.
 * @return SOC2_OK with a resource, or SOC2_ITEROVER at the end.
 */
SOC2_API int soc2_resource_iterator_next(const soc2_resource **out,
                                         soc2_resource_iterator *iterator);

/** Frees an iterator; NULL is ignored. */
SOC2_API void soc2_resource_iterator_free(soc2_resource_iterator *iterator);

/**
 * Finds the first resource, in load order, with the given address.
 *
 * @param[out] out the resource, owned by the snapshot.
 * @param snapshot the snapshot.
 * @param address a Terraform address (`module.net.aws_vpc.main`) or a
 *        CloudFormation logical ID.
 * @return SOC2_OK, SOC2_ENOTFOUND, or SOC2_EINVAL for NULL arguments.
 */
SOC2_API int soc2_snapshot_find_resource(const soc2_resource **out,
                                         const soc2_snapshot *snapshot,
                                         const char *address);

/** Returns the resource address (Terraform address or logical ID). */
SOC2_API const char *soc2_resource_address(const soc2_resource *resource);

/** Returns the canonical type, such as "aws_security_group". Types no
 *  adapter maps keep the name the input gave them. */
SOC2_API const char *soc2_resource_type(const soc2_resource *resource);

/** Returns the type as the input wrote it, such as
 *  "AWS::EC2::SecurityGroup" (equal to the canonical type for Terraform). */
SOC2_API const char *soc2_resource_source_type(const soc2_resource *resource);

/** Returns the name of the document the resource was loaded from. */
SOC2_API const char *soc2_resource_file(const soc2_resource *resource);

/**
 * Gives the place of the resource in its file: the line and column where
 * its definition starts (the resource change of a plan, the resource of a
 * template, the configuration item of a snapshot).
 *
 * @param resource the resource.
 * @param[out] line 1-based line; may be NULL.
 * @param[out] column 1-based column; may be NULL.
 * @return SOC2_OK; SOC2_ENOTFOUND when the place is not known (a
 *         placeholder made for split configuration, a document loaded
 *         without positions); SOC2_EINVAL.
 *
 * Thread-safety: only reads; scans the document text on each call, so a
 * caller locating many resources should prefer the positions of findings.
 */
SOC2_API int soc2_resource_location(const soc2_resource *resource, int *line, int *column);

/**
 * Returns the address of the resource this one was folded onto (for split
 * configuration such as `aws_s3_bucket_policy`), or NULL.
 */
SOC2_API const char *soc2_resource_folded_into(const soc2_resource *resource);

/**
 * Renders the canonical resource as JSON: address, type, source type, file,
 * attributes, the mask of values unknown until apply, references to other
 * resources, and the origin of folded values.
 *
 * @param[out] out NUL-terminated JSON text; the caller frees it with
 *             soc2_free().
 * @param resource the resource.
 * @return SOC2_OK, SOC2_EINVAL or SOC2_ENOMEM.
 */
SOC2_API int soc2_resource_to_json(char **out, const soc2_resource *resource);

/**
 * Reads a string attribute.
 *
 * @param[out] out the string, owned by the snapshot.
 * @param resource the resource.
 * @param path an attribute path (see the top of this file).
 * @return SOC2_OK; SOC2_ENOTFOUND when the attribute is absent or null;
 *         SOC2_EUNKNOWN when its value is not known until apply;
 *         SOC2_ETYPE when it is not a string; SOC2_EINVAL when the path is
 *         malformed (recorded as the last error). The other outcomes are
 *         answers, not failures, and leave the last error alone.
 */
SOC2_API int soc2_resource_get_string(const char **out, const soc2_resource *resource,
                                      const char *path);

/**
 * Reads a boolean attribute. A string "true" or "false" (any case) counts as
 * a boolean, as CloudFormation templates often write them.
 *
 * @param[out] out 1 for true, 0 for false.
 * @return as soc2_resource_get_string().
 */
SOC2_API int soc2_resource_get_bool(int *out, const soc2_resource *resource,
                                    const char *path);

/**
 * Reads a number attribute. A string holding a decimal number counts as a
 * number.
 *
 * @param[out] out the value.
 * @return as soc2_resource_get_string().
 */
SOC2_API int soc2_resource_get_number(double *out, const soc2_resource *resource,
                                      const char *path);

/**
 * Counts the elements of a list attribute (or the keys of an object).
 *
 * @param[out] out the number of elements.
 * @return as soc2_resource_get_string(); SOC2_ETYPE for a scalar.
 */
SOC2_API int soc2_resource_get_length(size_t *out, const soc2_resource *resource,
                                      const char *path);

SOC2_END_DECLS

#endif
