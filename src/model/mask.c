/* The unknown-value mask kept beside each resource's attributes. */
#include <stdlib.h>

#include "model.h"
#include "../util/path.h"

/* Returns the child container of `parent` at `step`, creating it (or
 * padding a list with known placeholders) when absent. Returns NULL when
 * the parent already marks this whole subtree unknown or memory runs out;
 * `*covered` tells the two apart. */
static json_t *child_container(json_t *parent, const path_step *step, int next_is_index,
                               int *covered)
{
    json_t *child;
    if (step->key) {
        if (!json_is_object(parent))
            return NULL;
        child = json_object_get(parent, step->key);
    } else {
        if (!json_is_array(parent))
            return NULL;
        while (json_array_size(parent) <= step->index)
            if (json_array_append_new(parent, json_false()) < 0)
                return NULL;
        child = json_array_get(parent, step->index);
    }

    if (json_is_true(child)) {
        *covered = 1;
        return NULL;
    }
    if (json_is_object(child) || json_is_array(child))
        return child;

    json_t *made = next_is_index ? json_array() : json_object();
    if (!made)
        return NULL;
    int rc = step->key ? json_object_set_new(parent, step->key, made)
                       : json_array_set_new(parent, step->index, made);
    return rc < 0 ? NULL : made;
}

int mask_mark_unknown(json_t **mask, const char *text)
{
    attr_path path;
    if (path_parse(&path, text, NULL) < 0)
        return -1;
    if (path.count == 0) {
        path_free(&path);
        json_decref(*mask);
        *mask = json_true();
        return 0;
    }

    if (!*mask) {
        *mask = path.steps[0].key ? json_object() : json_array();
        if (!*mask) {
            path_free(&path);
            return -1;
        }
    }
    if (json_is_true(*mask)) {
        path_free(&path);
        return 0;
    }

    json_t *node = *mask;
    int rc = 0;
    for (size_t i = 0; i + 1 < path.count && node; i++) {
        int covered = 0;
        node = child_container(node, &path.steps[i], path.steps[i + 1].key == NULL, &covered);
        if (!node) {
            rc = covered ? 0 : -1;
            goto done;
        }
    }

    const path_step *last = &path.steps[path.count - 1];
    if (last->key) {
        rc = json_is_object(node) ? json_object_set_new(node, last->key, json_true()) : -1;
    } else if (json_is_array(node)) {
        while (json_array_size(node) <= last->index && rc == 0)
            rc = json_array_append_new(node, json_false());
        if (rc == 0)
            rc = json_array_set_new(node, last->index, json_true());
    } else {
        rc = -1;
    }

done:
    path_free(&path);
    return rc;
}

json_t *mask_prune(json_t *mask)
{
    if (!mask)
        return NULL;
    if (json_is_true(mask))
        return mask;

    if (json_is_object(mask)) {
        const char *key;
        json_t *value;
        void *tmp;
        json_object_foreach_safe(mask, tmp, key, value) {
            json_t *pruned = mask_prune(json_incref(value));
            if (pruned) {
                json_object_set_new(mask, key, pruned);
            } else {
                json_object_del(mask, key);
            }
        }
        if (json_object_size(mask) == 0) {
            json_decref(mask);
            return NULL;
        }
        return mask;
    }

    if (json_is_array(mask)) {
        /* Known elements stay as `false` so that indexes keep their place. */
        int any = 0;
        for (size_t i = 0; i < json_array_size(mask); i++) {
            json_t *pruned = mask_prune(json_incref(json_array_get(mask, i)));
            if (pruned) {
                any = 1;
                json_array_set_new(mask, i, pruned);
            } else {
                json_array_set_new(mask, i, json_false());
            }
        }
        if (!any) {
            json_decref(mask);
            return NULL;
        }
        return mask;
    }

    json_decref(mask);
    return NULL;
}
