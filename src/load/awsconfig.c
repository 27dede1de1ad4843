/* The AWS Config adapter: reads configuration items, from a configuration
 * snapshot delivered to S3 or from a Config API output, and creates one
 * resource per resource that exists. Items for a deleted or unrecorded
 * resource are left out, and of several items for one resource (its
 * history) the latest counts. Configurations are mapped onto the canonical
 * model by awsconfig_map.c, and relationships become references. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "awsconfig.h"
#include "../core/error.h"
#include "../util/array.h"
#include "../util/jsonpos.h"
#include "../util/jsonstr.h"
#include "../util/path.h"
#include "../util/strmap.h"

/* Detection. */

/* Returns whether `value` looks like a configuration item: an object with
 * a resourceType and something only an item has beside it. */
static int looks_like_item(const json_t *value)
{
    return json_is_object(value) && json_is_string(json_object_get(value, "resourceType")) &&
           (json_object_get(value, "resourceId") ||
            json_object_get(value, "configurationItemCaptureTime") ||
            json_object_get(value, "configurationItemStatus"));
}

int awsconfig_detect(const json_t *root)
{
    if (json_is_array(root))
        return looks_like_item(json_array_get(root, 0));
    if (!json_is_object(root))
        return 0;
    return json_object_get(root, "configurationItems") ||
           json_object_get(root, "baseConfigurationItems") ||
           (json_object_get(root, "fileVersion") && json_object_get(root, "configSnapshotId")) ||
           (json_object_get(root, "Results") && json_object_get(root, "QueryInfo"));
}

/* Items. */

typedef struct config_item {
    json_t *item;        /* the item object; owned */
    awsconfig_place place; /* where the item is */
    const char *type;    /* borrowed from item */
    const char *id;
    const char *name;    /* resourceName, or NULL */
    const char *region;  /* awsRegion, or "" */
    const char *account; /* accountId or awsAccountId, or "" */
    const char *status;  /* configurationItemStatus, or NULL */
    int has_time;
    int64_t seconds; /* configurationItemCaptureTime */
    long nanoseconds;
    int kept;        /* the latest item of an existing resource */
    char *address;
    soc2_resource *resource;
} config_item;

typedef struct item_set {
    config_item *items;
    size_t count, cap;
} item_set;

static void item_set_free(item_set *set)
{
    for (size_t i = 0; i < set->count; i++) {
        json_decref(set->items[i].item);
        awsconfig_place_free(&set->items[i].place);
        free(set->items[i].address);
    }
    free(set->items);
}

/* Reads an optional string member; fails when it is there but not a
 * string. */
static int optional_string(soc2_loader *l, config_item *it, const char *key, const char **out)
{
    json_t *value = json_object_get(it->item, key);
    *out = NULL;
    if (!value || json_is_null(value))
        return SOC2_OK;
    /* Types, IDs, names and ARNs are C strings from here on: a NUL would
     * cut one short without a word. */
    int has_nul = json_string_has_nul(value);
    if (json_is_string(value) && !has_nul) {
        *out = json_string_value(value);
        return SOC2_OK;
    }
    size_t mark = awsconfig_place_step(&it->place, key);
    int rc = has_nul ? awsconfig_fail(l, &it->place, "%s must not contain a NUL character", key)
                     : awsconfig_fail(l, &it->place, "%s must be a string", key);
    awsconfig_place_restore(&it->place, mark);
    return rc;
}

/* Reads a member that must be a non-empty string. */
static int required_string(soc2_loader *l, config_item *it, const char *key, const char **out)
{
    int rc = optional_string(l, it, key, out);
    if (rc != SOC2_OK)
        return rc;
    if (*out && **out)
        return SOC2_OK;
    if (*out) {
        size_t mark = awsconfig_place_step(&it->place, key);
        rc = awsconfig_fail(l, &it->place, "%s must not be empty", key);
        awsconfig_place_restore(&it->place, mark);
        return rc;
    }
    return awsconfig_fail(l, &it->place,
                          "the configuration item has no %s; every item names its resource "
                          "by resourceType and resourceId",
                          key);
}

/* Days from 1970-01-01 to the given date of the proleptic Gregorian
 * calendar. */
static int64_t days_from_civil(int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2;
    int64_t era = (year >= 0 ? year : year - 399) / 400;
    unsigned year_of_era = (unsigned)(year - era * 400);
    unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + (int64_t)day_of_era - 719468;
}

static int read_digits(const char **p, int count, int *out)
{
    *out = 0;
    for (int i = 0; i < count; i++) {
        if ((*p)[i] < '0' || (*p)[i] > '9')
            return -1;
        *out = *out * 10 + ((*p)[i] - '0');
    }
    *p += count;
    return 0;
}

/* Parses an ISO 8601 date and time as the Config API and the AWS CLI write
 * it: "2024-03-07T23:47:08.918Z", "2024-03-07T23:47:08.918000+00:00", with
 * a space in place of the "T", and without a zone (taken as UTC). */
static int parse_iso_time(const char *text, int64_t *seconds, long *nanoseconds)
{
    const char *p = text;
    int year, month, day, hour, minute, second;
    if (read_digits(&p, 4, &year) < 0 || *p++ != '-' || read_digits(&p, 2, &month) < 0 ||
        *p++ != '-' || read_digits(&p, 2, &day) < 0 || (*p != 'T' && *p != 't' && *p != ' '))
        return -1;
    p++;
    if (read_digits(&p, 2, &hour) < 0 || *p++ != ':' || read_digits(&p, 2, &minute) < 0 ||
        *p++ != ':' || read_digits(&p, 2, &second) < 0)
        return -1;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 ||
        second > 60)
        return -1;

    long fraction = 0;
    if (*p == '.') {
        p++;
        int digits = 0;
        while (*p >= '0' && *p <= '9') {
            if (digits < 9) {
                fraction = fraction * 10 + (*p - '0');
                digits++;
            }
            p++;
        }
        if (digits == 0)
            return -1;
        while (digits++ < 9)
            fraction *= 10;
    }

    long offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1;
        int offset_hours, offset_minutes;
        if (read_digits(&p, 2, &offset_hours) < 0)
            return -1;
        if (*p == ':')
            p++;
        if (read_digits(&p, 2, &offset_minutes) < 0)
            return -1;
        offset = sign * (offset_hours * 3600L + offset_minutes * 60L);
    }
    if (*p)
        return -1;

    *seconds = days_from_civil(year, (unsigned)month, (unsigned)day) * 86400 + hour * 3600 +
               minute * 60 + second - offset;
    *nanoseconds = fraction;
    return 0;
}

/* Reads configurationItemCaptureTime: an ISO 8601 string, or a number of
 * seconds since 1970 as the Config API sends it over the wire. */
static int read_capture_time(soc2_loader *l, config_item *it)
{
    json_t *value = json_object_get(it->item, "configurationItemCaptureTime");
    if (!value || json_is_null(value))
        return SOC2_OK;
    /* Beyond about 30,000 years from 1970 a number is no capture time, and
     * converting it would overflow. */
    double t = json_number_value(value);
    if (json_is_number(value) && t > -1e12 && t < 1e12) {
        it->seconds = (int64_t)t;
        it->nanoseconds = (long)((t - (double)it->seconds) * 1e9);
        it->has_time = 1;
        return SOC2_OK;
    }
    if (json_is_string(value) &&
        parse_iso_time(json_string_value(value), &it->seconds, &it->nanoseconds) == 0) {
        it->has_time = 1;
        return SOC2_OK;
    }
    size_t mark = awsconfig_place_step(&it->place, "configurationItemCaptureTime");
    int rc = awsconfig_fail(l, &it->place,
                            "configurationItemCaptureTime must be an ISO 8601 time such as "
                            "\"2024-03-07T23:47:08.918Z\" or a number of seconds since 1970");
    awsconfig_place_restore(&it->place, mark);
    return rc;
}

/* Reads the members of an item that identify its resource. */
static int read_item(soc2_loader *l, config_item *it)
{
    const char *arn;
    int rc = required_string(l, it, "resourceType", &it->type);
    if (rc == SOC2_OK)
        rc = required_string(l, it, "resourceId", &it->id);
    if (rc == SOC2_OK)
        rc = optional_string(l, it, "resourceName", &it->name);
    if (rc == SOC2_OK)
        rc = optional_string(l, it, "awsRegion", &it->region);
    if (rc == SOC2_OK)
        rc = optional_string(l, it, "accountId", &it->account);
    if (rc == SOC2_OK && !it->account)
        rc = optional_string(l, it, "awsAccountId", &it->account);
    if (rc == SOC2_OK)
        rc = optional_string(l, it, "configurationItemStatus", &it->status);
    if (rc == SOC2_OK)
        rc = optional_string(l, it, "ARN", &arn);
    if (rc == SOC2_OK)
        rc = optional_string(l, it, "arn", &arn);
    if (rc == SOC2_OK)
        rc = read_capture_time(l, it);
    if (!it->region)
        it->region = "";
    if (!it->account)
        it->account = "";
    if (it->name && !*it->name)
        it->name = NULL;
    return rc;
}

/* Finds the list of items: the configurationItems of a snapshot or of
 * get-resource-config-history, the baseConfigurationItems of
 * batch-get-resource-config, the Results of select-resource-config, or
 * the document itself. */
static int find_items(soc2_loader *l, json_t *root, json_t **items, const char **member)
{
    static const char *const members[] = {"configurationItems", "baseConfigurationItems",
                                          "Results"};
    *member = NULL;
    *items = root;
    if (json_is_array(root))
        return SOC2_OK;
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        json_t *value = json_object_get(root, members[i]);
        if (!value)
            continue;
        *member = members[i];
        *items = value;
        if (json_is_array(value))
            return SOC2_OK;
        strbuf pointer = STRBUF_INIT;
        json_pointer_append(&pointer, members[i]);
        int rc = pointer.failed ? error_nomem()
                                : loader_fail(l, SOC2_EFORMAT, sb_str(&pointer),
                                              "%s must be a list of configuration items",
                                              members[i]);
        sb_free(&pointer);
        return rc;
    }
    return loader_fail(l, SOC2_EFORMAT, "",
                       "the document holds no configuration items: expected configurationItems, "
                       "baseConfigurationItems, Results or a list of items");
}

/* Reads element `index` of the items list into a new entry of `set`. A
 * result of select-resource-config (in Results) is a JSON text holding the
 * item. */
static int collect_item(soc2_loader *l, json_t *element, const char *member, size_t index,
                        item_set *set)
{
    config_item it = {0};
    awsconfig_place_init(&it.place);
    if (member)
        awsconfig_place_step(&it.place, member);
    awsconfig_place_index(&it.place, index);
    if (awsconfig_place_failed(&it.place)) {
        awsconfig_place_free(&it.place);
        return error_nomem();
    }

    int rc = SOC2_OK;
    if (json_is_string(element) && member && strcmp(member, "Results") == 0) {
        int nomem = 0;
        it.item = awsconfig_parse_string(json_string_value(element), json_string_length(element),
                                         &nomem);
        it.place.in_string = 1;
        if (nomem)
            rc = error_nomem();
        else if (!json_is_object(it.item))
            rc = loader_fail(l, SOC2_EFORMAT, sb_str(&it.place.pointer),
                             "a configuration item given as a string must be a JSON text "
                             "holding an object");
    } else if (json_is_object(element)) {
        it.item = json_incref(element);
    } else {
        rc = loader_fail(l, SOC2_EFORMAT, sb_str(&it.place.pointer),
                         "a configuration item must be an object");
    }
    if (rc == SOC2_OK)
        rc = read_item(l, &it);
    if (rc == SOC2_OK && ARRAY_PUSH(set->items, set->count, set->cap, it) < 0)
        rc = error_nomem();
    if (rc != SOC2_OK) {
        json_decref(it.item);
        awsconfig_place_free(&it.place);
    }
    return rc;
}

/* Choosing the items that count. */

/* Returns whether the item's status marks its resource as deleted, or its
 * configuration as not recorded. */
static int describes_nothing(const config_item *it)
{
    return it->status && (strcmp(it->status, "ResourceDeleted") == 0 ||
                          strcmp(it->status, "ResourceDeletedNotRecorded") == 0 ||
                          strcmp(it->status, "ResourceNotRecorded") == 0);
}

static int is_later(const config_item *a, const config_item *b)
{
    if (a->seconds != b->seconds)
        return a->seconds > b->seconds;
    return a->nanoseconds >= b->nanoseconds;
}

/* Appends the key that identifies an item's resource: type, ID, region and
 * account, separated by a byte no name contains. */
static void resource_key(strbuf *key, const config_item *it)
{
    sb_reset(key);
    sb_printf(key, "%s\x1f%s\x1f%s\x1f%s", it->type, it->id, it->region, it->account);
}

/* Keeps, for each resource, its latest item, and then only those that
 * describe an existing resource. */
static int choose_latest(soc2_loader *l, item_set *set)
{
    strmap latest;
    strmap_init(&latest);
    strbuf key = STRBUF_INIT;
    int rc = SOC2_OK;

    for (size_t i = 0; i < set->count && rc == SOC2_OK; i++) {
        config_item *it = &set->items[i];
        resource_key(&key, it);
        strmap_entry *e = key.failed ? NULL : strmap_upsert(&latest, sb_str(&key), key.len);
        if (!e) {
            rc = error_nomem();
            break;
        }
        if (!e->value) {
            e->value = it;
            continue;
        }
        config_item *other = e->value;
        if (!it->has_time || !other->has_time) {
            config_item *untimed = it->has_time ? other : it;
            rc = awsconfig_fail(l, &untimed->place,
                                "the configuration items of %s %s have no "
                                "configurationItemCaptureTime to tell which is the latest",
                                it->type, it->id);
            break;
        }
        if (is_later(it, other))
            e->value = it;
    }

    for (size_t i = 0; i < set->count && rc == SOC2_OK; i++) {
        config_item *it = &set->items[i];
        resource_key(&key, it);
        it->kept = strmap_get(&latest, sb_str(&key)) == it && !describes_nothing(it);
    }
    if (rc == SOC2_OK && key.failed)
        rc = error_nomem();
    strmap_free(&latest);
    sb_free(&key);
    return rc;
}

/* Addresses. */

static const char *base_address(const config_item *it)
{
    return it->name ? it->name : it->id;
}

static void free_group(const char *key, void *value, void *ctx)
{
    (void)key;
    (void)ctx;
    ptrvec_free(value);
    free(value);
}

/* Qualifies the addresses of a group of items that share a base address.
 * Each gets, in parentheses, what distinguishes the items: the region, the
 * resource type, the resource ID and the account, each only when it
 * differs within the group. */
static int qualify_group(const ptrvec *group)
{
    int differs[4] = {0};
    const config_item *first = group->items[0];
    for (size_t j = 1; j < group->count; j++) {
        const config_item *o = group->items[j];
        differs[0] |= strcmp(o->region, first->region) != 0;
        differs[1] |= strcmp(o->type, first->type) != 0;
        differs[2] |= strcmp(o->id, first->id) != 0;
        differs[3] |= strcmp(o->account, first->account) != 0;
    }

    for (size_t j = 0; j < group->count; j++) {
        config_item *it = group->items[j];
        const char *qualifiers[4] = {it->region, it->type, it->id, it->account};
        strbuf address = STRBUF_INIT;
        sb_puts(&address, base_address(it));
        const char *separator = " (";
        for (int q = 0; q < 4; q++) {
            if (!differs[q] || !*qualifiers[q])
                continue;
            sb_printf(&address, "%s%s", separator, qualifiers[q]);
            separator = ", ";
        }
        if (separator[0] == ',')
            sb_putc(&address, ')');
        if (address.failed) {
            sb_free(&address);
            return error_nomem();
        }
        free(it->address);
        it->address = sb_steal(&address);
    }
    return SOC2_OK;
}

/* Gives each kept item its address: its resourceName, or its resourceId;
 * qualified when several items share it. */
static int assign_addresses(item_set *set)
{
    strmap groups;
    strmap_init(&groups);
    int rc = SOC2_OK;

    for (size_t i = 0; i < set->count && rc == SOC2_OK; i++) {
        config_item *it = &set->items[i];
        if (!it->kept)
            continue;
        const char *base = base_address(it);
        it->address = strdup(base);
        strmap_entry *e = it->address ? strmap_upsert(&groups, base, strlen(base)) : NULL;
        if (e && !e->value)
            e->value = calloc(1, sizeof(ptrvec));
        if (!e || !e->value || ptrvec_push(e->value, it) < 0)
            rc = error_nomem();
    }

    for (size_t i = 0; i < groups.capacity && rc == SOC2_OK; i++) {
        const ptrvec *group = groups.slots[i].key ? groups.slots[i].value : NULL;
        if (group && group->count > 1)
            rc = qualify_group(group);
    }
    strmap_foreach(&groups, free_group, NULL);
    strmap_free(&groups);
    return rc;
}

/* Resources. */

typedef struct load_context {
    soc2_loader *loader;
    awsconfig_mapping mapping;
    item_set items;
    strmap by_id;   /* "type\x1fresourceId" -> ptrvec of kept items */
    strmap by_name; /* "type\x1fresourceName" -> ptrvec of kept items */
} load_context;

static int index_item(strmap *map, const char *type, const char *value, config_item *it)
{
    strbuf key = STRBUF_INIT;
    sb_printf(&key, "%s\x1f%s", type, value);
    strmap_entry *e = key.failed ? NULL : strmap_upsert(map, sb_str(&key), key.len);
    sb_free(&key);
    if (e && !e->value)
        e->value = calloc(1, sizeof(ptrvec));
    return e && e->value && ptrvec_push(e->value, it) == 0 ? 0 : -1;
}

static const ptrvec *lookup_items(const strmap *map, const char *type, const char *value)
{
    strbuf key = STRBUF_INIT;
    sb_printf(&key, "%s\x1f%s", type, value);
    const ptrvec *found = key.failed ? NULL : strmap_get(map, sb_str(&key));
    sb_free(&key);
    return found;
}

/* Reads a member that holds an object, or a JSON string holding one (as
 * the Config API returns `configuration`). *out is a new reference, an
 * empty object when the member is absent or null; `place` is set to where
 * the object is. */
static int read_object_member(soc2_loader *l, config_item *it, const char *member, json_t **out,
                              awsconfig_place *place)
{
    *out = NULL;
    if (awsconfig_place_copy(place, &it->place) < 0)
        return error_nomem();
    awsconfig_place_step(place, member);
    if (awsconfig_place_failed(place))
        return error_nomem();

    json_t *value = json_object_get(it->item, member);
    if (!value || json_is_null(value)) {
        *out = json_object();
        return *out ? SOC2_OK : error_nomem();
    }
    if (json_is_object(value)) {
        *out = json_incref(value);
        return SOC2_OK;
    }
    if (json_is_string(value)) {
        int nomem = 0;
        json_t *parsed = awsconfig_parse_string(json_string_value(value),
                                                json_string_length(value), &nomem);
        if (nomem)
            return error_nomem();
        if (json_is_object(parsed)) {
            if (!place->in_string) {
                place->in_string = 1;
                sb_reset(&place->inner);
            }
            *out = parsed;
            return SOC2_OK;
        }
        json_decref(parsed);
        return awsconfig_fail(l, place, "%s is a string that does not hold a JSON object",
                              member);
    }
    return awsconfig_fail(l, place, "%s must be an object or a JSON string holding one", member);
}

/* Turns the tags of select-resource-config, [{"key": k, "value": v}], into
 * the object the other outputs hold. Returns a new reference or NULL. */
static json_t *tags_object(json_t *tags)
{
    if (!json_is_array(tags))
        return json_incref(tags);
    json_t *object = json_object();
    size_t i;
    json_t *tag;
    json_array_foreach(tags, i, tag) {
        const char *key = json_string_value(json_object_get(tag, "key"));
        json_t *value = json_object_get(tag, "value");
        if (!object || !key)
            continue;
        if (json_object_set(object, key, value ? value : json_null()) < 0) {
            json_decref(object);
            object = NULL;
        }
    }
    return object;
}

/* Adds the attributes the table takes from the item itself ("item" at the
 * top and in the type's entry) where the configuration did not set them. */
static int add_item_attributes(const json_t *item_map, config_item *it, awsconfig_attrs *attrs)
{
    const char *member;
    json_t *attribute;
    json_object_foreach((json_t *)item_map, member, attribute) {
        const char *name = json_string_value(attribute);
        json_t *value = json_object_get(it->item, member);
        if (!value || json_is_null(value) || json_object_get(attrs->attrs, name))
            continue;
        json_t *converted = strcmp(member, "tags") == 0 ? tags_object(value) : json_incref(value);
        size_t mark = awsconfig_place_step(&it->place, member);
        int failed = !converted || awsconfig_place_failed(&it->place) ||
                     json_object_set_new(attrs->attrs, name, converted) < 0 ||
                     awsconfig_attrs_source(attrs, name, &it->place, converted) < 0;
        awsconfig_place_restore(&it->place, mark);
        if (failed)
            return error_nomem();
    }
    return SOC2_OK;
}

/* Relationships. */

static const char *const relationship_members[][2] = {
    {"resourceType", "resource_type"},
    {"resourceId", "resource_id"},
    {"resourceName", "resource_name"},
    {"relationshipName", "relationship_name"},
    {"name", "relationship_name"}, /* as snapshots delivered to S3 spell it */
};

#define RELATIONSHIP_MEMBERS (sizeof(relationship_members) / sizeof(relationship_members[0]))

/* Copies the item's relationships into the `relationships` attribute:
 * [{resource_type, resource_id, resource_name, relationship_name}]. */
static int add_relationships(soc2_loader *l, config_item *it, awsconfig_attrs *attrs)
{
    json_t *relationships = json_object_get(it->item, "relationships");
    if (!relationships || json_is_null(relationships))
        return SOC2_OK;

    size_t mark = awsconfig_place_step(&it->place, "relationships");
    int rc = SOC2_OK;
    json_t *list = json_array();
    if (!list || awsconfig_place_failed(&it->place) ||
        json_object_set_new(attrs->attrs, "relationships", list) < 0 ||
        awsconfig_attrs_source(attrs, "relationships", &it->place, NULL) < 0)
        rc = error_nomem();
    else if (!json_is_array(relationships))
        rc = awsconfig_fail(l, &it->place, "relationships must be a list of objects");

    strbuf path = STRBUF_INIT;
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(relationships); i++) {
        json_t *relationship = json_array_get(relationships, i);
        size_t element_mark = awsconfig_place_index(&it->place, i);
        json_t *copy = json_object();
        sb_reset(&path);
        sb_printf(&path, "relationships[%zu]", i);
        if (!json_is_object(relationship))
            rc = awsconfig_fail(l, &it->place, "each relationship must be an object");
        else if (!copy || json_array_append(list, copy) < 0 || path.failed ||
                 awsconfig_attrs_source(attrs, sb_str(&path), &it->place, NULL) < 0)
            rc = error_nomem();

        for (size_t m = 0; rc == SOC2_OK && m < RELATIONSHIP_MEMBERS; m++) {
            json_t *value = json_object_get(relationship, relationship_members[m][0]);
            if (!value || json_is_null(value))
                continue;
            size_t path_mark = path.len;
            size_t member_mark = awsconfig_place_step(&it->place, relationship_members[m][0]);
            path_append_key(&path, relationship_members[m][1]);
            if (path.failed || awsconfig_place_failed(&it->place) ||
                json_object_set(copy, relationship_members[m][1], value) < 0 ||
                awsconfig_attrs_source(attrs, sb_str(&path), &it->place, value) < 0)
                rc = error_nomem();
            awsconfig_place_restore(&it->place, member_mark);
            sb_truncate(&path, path_mark);
        }
        json_decref(copy);
        awsconfig_place_restore(&it->place, element_mark);
    }
    sb_free(&path);
    awsconfig_place_restore(&it->place, mark);
    return rc;
}

/* Returns whether a candidate target is where the relationship most
 * likely points: the same account, and the same region or a global
 * resource (IAM resources have the region "global"). */
static int is_near(const config_item *from, const config_item *to)
{
    int account = !*from->account || !*to->account || strcmp(from->account, to->account) == 0;
    int region = !*from->region || !*to->region || strcmp(from->region, to->region) == 0 ||
                 strcmp(to->region, "global") == 0;
    return account && region;
}

/* Records a reference at relationships[i] for each relationship, to the
 * resource it names when that resource is in the document. A relationship
 * whose target matches several resources (the same ID in several regions)
 * refers to the nearest, or ambiguously to each. */
static int add_relationship_edges(load_context *c, config_item *it)
{
    json_t *list = json_object_get(it->resource->attrs, "relationships");
    strbuf path = STRBUF_INIT;
    strbuf unresolved = STRBUF_INIT;
    int rc = SOC2_OK;

    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(list); i++) {
        json_t *relationship = json_array_get(list, i);
        const char *type = json_string_value(json_object_get(relationship, "resource_type"));
        const char *id = json_string_value(json_object_get(relationship, "resource_id"));
        const char *name = json_string_value(json_object_get(relationship, "resource_name"));
        const char *kind = json_string_value(json_object_get(relationship, "relationship_name"));
        if (!type || (!id && !name))
            continue;
        /* A container lists what it contains ("Contains SecurityGroup"), and
         * each of those names the container in return ("Is contained in
         * Vpc"). Only the second is a reference: otherwise a VPC would count
         * as something its security groups are attached to. */
        if (kind && strncmp(kind, "Contains ", 9) == 0)
            continue;
        const ptrvec *candidates = id ? lookup_items(&c->by_id, type, id) : NULL;
        if (!candidates && name)
            candidates = lookup_items(&c->by_name, type, name);

        sb_reset(&path);
        sb_printf(&path, "relationships[%zu]", i);
        if (!candidates) {
            /* Not in the document: an address no resource of it has. */
            sb_reset(&unresolved);
            sb_printf(&unresolved, "%s/%s", type, id ? id : name);
            rc = path.failed || unresolved.failed
                     ? error_nomem()
                     : loader_add_reference(c->loader, it->resource, sb_str(&path),
                                            sb_str(&unresolved));
            continue;
        }

        size_t near = 0;
        for (size_t j = 0; j < candidates->count; j++)
            near += is_near(it, candidates->items[j]);
        size_t targets = near ? near : candidates->count;
        for (size_t j = 0; rc == SOC2_OK && j < candidates->count; j++) {
            const config_item *target = candidates->items[j];
            if (target == it || (near && !is_near(it, target)))
                continue;
            rc = path.failed ? error_nomem()
                             : loader_add_reference_flags(c->loader, it->resource, sb_str(&path),
                                                          target->address,
                                                          targets > 1 ? EDGE_AMBIGUOUS : 0);
        }
    }
    sb_free(&path);
    sb_free(&unresolved);
    return rc;
}

/* Marks unknown each attribute of `unrecorded` (the type entry's list of
 * attributes Config does not record) that the item left absent, so that no
 * rule reads an unrecorded setting as its Terraform default. */
static int mark_unrecorded(const json_t *unrecorded, const json_t *attrs, json_t **mask)
{
    size_t i;
    json_t *name;
    json_array_foreach(unrecorded, i, name) {
        const char *attribute = json_string_value(name);
        if (!json_object_get(attrs, attribute) && mask_mark_unknown(mask, attribute) < 0)
            return error_nomem();
    }
    return SOC2_OK;
}

/* Creates the resource of a kept item. */
static int load_item(load_context *c, config_item *it)
{
    soc2_loader *l = c->loader;
    awsconfig_attrs attrs = {0};
    awsconfig_place configuration_place, supplementary_place;
    json_t *configuration = NULL, *supplementary = NULL;
    awsconfig_place_init(&configuration_place);
    awsconfig_place_init(&supplementary_place);

    int rc = read_object_member(l, it, "configuration", &configuration, &configuration_place);
    if (rc == SOC2_OK)
        rc = read_object_member(l, it, "supplementaryConfiguration", &supplementary,
                                &supplementary_place);
    if (rc == SOC2_OK && !(attrs.attrs = json_object()))
        rc = error_nomem();
    if (rc == SOC2_OK)
        rc = awsconfig_map_item(l, &c->mapping, it->type, configuration, &configuration_place,
                                supplementary, &supplementary_place, &attrs);

    const json_t *entry = json_object_get(c->mapping.types, it->type);
    if (rc == SOC2_OK)
        rc = add_item_attributes(json_object_get(entry, "item"), it, &attrs);
    if (rc == SOC2_OK)
        rc = add_item_attributes(c->mapping.item, it, &attrs);
    if (rc == SOC2_OK)
        rc = add_relationships(l, it, &attrs);

    json_t *unknown = NULL;
    if (rc == SOC2_OK)
        rc = mark_unrecorded(json_object_get(entry, "unrecorded"), attrs.attrs, &unknown);
    if (rc == SOC2_OK) {
        const char *type = awsconfig_mapping_type(&c->mapping, it->type);
        it->resource = loader_add_resource(l, it->address, type ? type : it->type, it->type,
                                           json_incref(attrs.attrs), unknown);
        unknown = NULL;
        if (!it->resource)
            rc = soc2_error_last()->code;
    }
    if (rc == SOC2_OK && resource_set_source(it->resource, sb_str(&it->place.pointer)) < 0)
        rc = error_nomem();
    for (size_t i = 0; rc == SOC2_OK && i < attrs.source_count; i++)
        if (resource_map_source(it->resource, attrs.sources[i].path, attrs.sources[i].pointer) <
            0)
            rc = error_nomem();

    json_decref(unknown);
    awsconfig_attrs_free(&attrs);
    json_decref(configuration);
    json_decref(supplementary);
    awsconfig_place_free(&configuration_place);
    awsconfig_place_free(&supplementary_place);
    return rc;
}

int awsconfig_load(soc2_loader *loader, json_t *root)
{
    load_context c = {loader};
    strmap_init(&c.by_id);
    strmap_init(&c.by_name);

    json_t *items;
    const char *member;
    int rc = awsconfig_mapping_load(&c.mapping);
    if (rc == SOC2_OK)
        rc = find_items(loader, root, &items, &member);
    for (size_t i = 0; rc == SOC2_OK && i < json_array_size(items); i++)
        rc = collect_item(loader, json_array_get(items, i), member, i, &c.items);
    if (rc == SOC2_OK)
        rc = choose_latest(loader, &c.items);
    if (rc == SOC2_OK)
        rc = assign_addresses(&c.items);

    for (size_t i = 0; rc == SOC2_OK && i < c.items.count; i++) {
        config_item *it = &c.items.items[i];
        if (!it->kept)
            continue;
        if (index_item(&c.by_id, it->type, it->id, it) < 0 ||
            (it->name && index_item(&c.by_name, it->type, it->name, it) < 0))
            rc = error_nomem();
    }
    for (size_t i = 0; rc == SOC2_OK && i < c.items.count; i++)
        if (c.items.items[i].kept)
            rc = load_item(&c, &c.items.items[i]);
    for (size_t i = 0; rc == SOC2_OK && i < c.items.count; i++)
        if (c.items.items[i].kept)
            rc = add_relationship_edges(&c, &c.items.items[i]);

    strmap_foreach(&c.by_id, free_group, NULL);
    strmap_foreach(&c.by_name, free_group, NULL);
    strmap_free(&c.by_id);
    strmap_free(&c.by_name);
    item_set_free(&c.items);
    awsconfig_mapping_free(&c.mapping);
    return rc;
}
