/* Terraform addresses and the resolution of configuration references.
 *
 * The `configuration` section of a plan names what an expression refers to
 * ("aws_vpc.main.id", "var.vpc_id", "module.net.vpc_id"), relative to the
 * module the expression is written in. This part of the Terraform plan
 * adapter indexes the resource instances kept from the plan and follows such
 * references, through module input variables and module outputs, to the
 * resource instances they end at. */
#ifndef SOC2_LOAD_TFREFS_H
#define SOC2_LOAD_TFREFS_H

#include <jansson.h>
#include <stddef.h>

#include "../model/model.h"
#include "../util/strmap.h"

/* Most module variable and output hops one reference may take before
 * resolution gives up with SOC2_ELIMIT. Terraform rejects configurations
 * with cycles, and real module trees are a few levels deep, so only a
 * corrupt or hostile plan reaches it. */
#define TFREFS_MAX_DEPTH 64

/* The parts of a resource instance address such as
 * `module.net["a"].aws_subnet.private[0]`. */
typedef struct tf_address {
    size_t module_len;  /* length of the module instance part
                           (`module.net["a"]`), 0 in the root module */
    size_t base_len;    /* length without the resource's instance key */
    const char *key;    /* instance key as written between the brackets
                           (`0`, `"a"`), or NULL */
    size_t key_len;
    int data;           /* a data source (`data.` before the type) */
} tf_address;

/* A managed resource instance kept from the plan. */
typedef struct tf_instance {
    soc2_resource *resource; /* its address is the instance address */
    tf_address parts;        /* parsed resource->address */
    size_t next_same_base;   /* 1 + index of the next instance with the same
                                address without key, or 0 */
    size_t next_same_config; /* 1 + index of the next instance of the same
                                configuration block, or 0 */
    size_t last_same_base;   /* on the first instance of each chain: 1 + */
    size_t last_same_config; /* index of the chain's last instance */
} tf_instance;

/* An instance of a module call, such as `module.net["a"]`. Its text is a
 * prefix of the address of a resource instance inside it. */
typedef struct tf_module_instance {
    const char *address;
    size_t len;
    const char *key; /* instance key between the brackets, or NULL */
    size_t key_len;
    size_t next_same_call; /* 1 + index of the next instance of the same
                              module call, or 0 */
    size_t last_same_call; /* on the first instance of a call: 1 + index of
                              the call's last instance */
} tf_module_instance;

typedef struct tfrefs {
    const json_t *root_module; /* configuration.root_module, or NULL */
    tf_instance *instances;
    size_t count, cap;
    tf_module_instance *modules;
    size_t module_count, module_cap;
    strmap by_base;    /* address without key -> 1 + first instance index */
    strmap by_config;  /* configuration key -> 1 + first instance index */
    strmap module_set; /* module instance address -> 1 + its index */
    strmap by_call;    /* module call address (no key) -> 1 + first index */
} tfrefs;

/* Receives each resource instance a reference ends at, with EDGE_AMBIGUOUS
 * in `flags` when the reference may end at this instance or at another one
 * of the same resource (see tfrefs_resolve). Returns SOC2_OK to go on, or an
 * error status that stops the resolution. */
typedef int (*tfrefs_target_fn)(void *context, soc2_resource *target, unsigned flags);

/* Parses a resource instance address. Returns 0, or -1 when the text is
 * not one. The key points into `address`. */
int tfrefs_parse_address(const char *address, tf_address *out);

void tfrefs_init(tfrefs *refs, const json_t *root_module);
void tfrefs_free(tfrefs *refs);

/* Indexes a resource kept from the plan; its address must parse with
 * tfrefs_parse_address(). Returns SOC2_OK, SOC2_EFORMAT for an address that
 * does not parse, or SOC2_ENOMEM. */
int tfrefs_add_instance(tfrefs *refs, soc2_resource *resource);

/* Returns the first instance (as 1 + its index, 0 for none) made from the
 * configuration block with `local_address` (`aws_vpc.main`) in the module
 * whose call path is `module_path` (`module.net.module.subnets`, "" for the
 * root); later ones follow next_same_config. */
size_t tfrefs_first_of_config(const tfrefs *refs, const char *module_path,
                              const char *local_address);

/* Follows every reference string in the JSON array `references` as
 * written in the configuration of `from`'s module, ignoring elements that
 * are not strings. Calls `found` for each managed resource instance of the
 * plan a reference ends at. References that end elsewhere (data sources,
 * locals, root module variables) give nothing.
 *
 * A reference that names no instance of a resource (or module call) with
 * count or for_each ends at the instance whose key equals the key of the
 * instance the expression belongs to. When there is no such instance and
 * there are several instances, it ends at each of them with EDGE_AMBIGUOUS,
 * as do the references followed on from there. Returns SOC2_OK,
 * SOC2_ELIMIT past TFREFS_MAX_DEPTH hops, SOC2_ENOMEM, or what `found`
 * returned. */
int tfrefs_resolve(tfrefs *refs, const tf_instance *from, const json_t *references,
                   tfrefs_target_fn found, void *context);

#endif
