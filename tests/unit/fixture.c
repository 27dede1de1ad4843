#include "fixture.h"

#include <check.h>
#include <string.h>

#include "load/loader.h"

static int fixture_adapter(soc2_loader *loader, json_t *root)
{
    size_t i;
    json_t *item;
    json_array_foreach(root, i, item) {
        const char *address = json_string_value(json_object_get(item, "address"));
        const char *type = json_string_value(json_object_get(item, "type"));
        json_t *attrs = json_object_get(item, "attrs");
        json_t *mask = NULL;
        size_t k;
        json_t *path;
        json_array_foreach(json_object_get(item, "unknown"), k, path)
            if (mask_mark_unknown(&mask, json_string_value(path)) < 0)
                return SOC2_ENOMEM;
        soc2_resource *r = loader_add_resource(loader, address, type, NULL,
                                               attrs ? json_deep_copy(attrs) : NULL, mask);
        if (!r)
            return soc2_error_last()->code;
        json_t *ref;
        json_array_foreach(json_object_get(item, "refs"), k, ref) {
            int rc = loader_add_reference(loader, r, json_string_value(json_array_get(ref, 0)),
                                          json_string_value(json_array_get(ref, 1)));
            if (rc != SOC2_OK)
                return rc;
        }
    }
    return SOC2_OK;
}

int fixture_load(soc2_snapshot *snapshot, const char *name, const char *json_text)
{
    json_error_t err;
    json_t *root = json_loads(json_text, 0, &err);
    ck_assert_msg(root != NULL, "fixture is not JSON: %s (line %d)", err.text, err.line);
    int rc = loader_run(snapshot, name, json_text, strlen(json_text), NULL,
                        SOC2_FORMAT_TERRAFORM_PLAN, fixture_adapter, root);
    json_decref(root);
    return rc;
}

soc2_snapshot *fixture_snapshot(const char *json_text)
{
    soc2_snapshot *s = NULL;
    ck_assert_int_eq(soc2_snapshot_new(&s), SOC2_OK);
    int rc = fixture_load(s, "fixture.json", json_text);
    ck_assert_msg(rc == SOC2_OK, "fixture load failed: %s", soc2_error_last()->message);
    return s;
}
