/* mcp_schema.c: a small JSON Schema validator for tool arguments.
 *
 * compile: the JSON tree -> a tree of nodes holding only what validation
 *          needs (type bits, the enum array, properties in a hash, ...),
 *          with the texts of its error messages prepared.
 * validate: walks value and nodes together; the path of a refused value
 *          is a chain of stack frames, turned into text only on refusal.
 */
#include <math.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_strings.h>

#include "mcp_schema.h"

#define MAX_NAME_SHOWN 64    /* of a member name in a message */
#define MAX_ENUM_SHOWN 200   /* of the list of allowed values */

enum {
    T_NULL    = 1 << 0,
    T_BOOLEAN = 1 << 1,
    T_OBJECT  = 1 << 2,
    T_ARRAY   = 1 << 3,
    T_NUMBER  = 1 << 4,
    T_STRING  = 1 << 5,
    T_INTEGER = 1 << 6
};

static const struct {
    const char *name;
    unsigned bit;
} TYPES[] = {
    { "null", T_NULL }, { "boolean", T_BOOLEAN }, { "object", T_OBJECT },
    { "array", T_ARRAY }, { "number", T_NUMBER }, { "string", T_STRING },
    { "integer", T_INTEGER },
};

typedef struct node_t node_t;
struct node_t {
    int never;                  /* the schema `false` */
    unsigned types;             /* T_* bits; 0: any type */
    const char *types_text;     /* "string or null" */
    const cJSON *enums;         /* array, or NULL */
    const char *enums_text;     /* "\"a\", \"b\"" */
    apr_hash_t *props;          /* name -> node_t *, or NULL */
    apr_array_header_t *required;   /* const char * */
    int no_additional;          /* additionalProperties: false */
    node_t *additional;         /* additionalProperties: {schema} */
    node_t *items;              /* items: {schema} */
};

struct mcp_schema_t {
    const cJSON *json;
    node_t *root;
};

/* ---- compile ----------------------------------------------------------- */

static const char *at(apr_pool_t *p, const char *where, const char *why)
{
    return *where ? apr_pstrcat(p, where, ": ", why, NULL) : why;
}

static unsigned type_bit(const cJSON *name)
{
    apr_size_t i;

    for (i = 0; cJSON_IsString(name) && i < sizeof(TYPES) / sizeof(TYPES[0]);
         ++i) {
        if (!strcmp(name->valuestring, TYPES[i].name)) {
            return TYPES[i].bit;
        }
    }
    return 0;
}

/* "a", "a or b", "a, b or c" from the names in the order given. */
static const char *join_or(apr_pool_t *p, const apr_array_header_t *names)
{
    const char *s = "";
    int i;

    for (i = 0; i < names->nelts; ++i) {
        const char *sep = i == 0 ? "" : i == names->nelts - 1 ? " or " : ", ";
        s = apr_pstrcat(p, s, sep, APR_ARRAY_IDX(names, i, const char *),
                        NULL);
    }
    return s;
}

static const char *compile_type(node_t *n, apr_pool_t *p, const cJSON *type,
                                const char *where)
{
    apr_array_header_t *names = apr_array_make(p, 2, sizeof(const char *));
    const cJSON *t;
    unsigned bit;

    if (cJSON_IsString(type)) {
        if (!(n->types = type_bit(type))) {
            return at(p, where, apr_psprintf(p, "unknown type \"%.*s\"",
                                             MAX_NAME_SHOWN,
                                             type->valuestring));
        }
        n->types_text = type->valuestring;
        return NULL;
    }
    if (!cJSON_IsArray(type) || cJSON_GetArraySize(type) == 0) {
        return at(p, where, "\"type\" must be a type name or a non-empty "
                  "array of them");
    }
    cJSON_ArrayForEach(t, type) {
        if (!(bit = type_bit(t))) {
            return at(p, where, cJSON_IsString(t)
                      ? apr_psprintf(p, "unknown type \"%.*s\"",
                                     MAX_NAME_SHOWN, t->valuestring)
                      : "\"type\" must be a type name or a non-empty array "
                        "of them");
        }
        if (!(n->types & bit)) {
            n->types |= bit;
            APR_ARRAY_PUSH(names, const char *) = t->valuestring;
        }
    }
    n->types_text = join_or(p, names);
    return NULL;
}

static const char *compile_enum(node_t *n, apr_pool_t *p, const cJSON *e,
                                const char *where)
{
    const cJSON *v;
    const char *text = "";

    if (!cJSON_IsArray(e)) {
        return at(p, where, "\"enum\" must be an array");
    }
    n->enums = e;
    cJSON_ArrayForEach(v, e) {
        const char *one = mcp_json_print(p, v);
        if (strlen(text) + strlen(one ? one : "") > MAX_ENUM_SHOWN) {
            text = apr_pstrcat(p, text, ", ...", NULL);
            break;
        }
        text = apr_pstrcat(p, text, *text ? ", " : "", one ? one : "?",
                           NULL);
    }
    n->enums_text = text;
    return NULL;
}

static const char *compile_node(node_t **pn, apr_pool_t *p, const cJSON *j,
                                const char *where);

static const char *compile_required(node_t *n, apr_pool_t *p,
                                    const cJSON *req, const char *where)
{
    const cJSON *r;

    if (!cJSON_IsArray(req)) {
        return at(p, where, "\"required\" must be an array of names");
    }
    n->required = apr_array_make(p, cJSON_GetArraySize(req) + 1,
                                 sizeof(const char *));
    cJSON_ArrayForEach(r, req) {
        if (!cJSON_IsString(r)) {
            return at(p, where, "\"required\" must be an array of names");
        }
        APR_ARRAY_PUSH(n->required, const char *) = r->valuestring;
    }
    return NULL;
}

static const char *compile_properties(node_t *n, apr_pool_t *p,
                                      const cJSON *props, const char *where)
{
    const cJSON *m;
    const char *err;

    if (!cJSON_IsObject(props)) {
        return at(p, where, "\"properties\" must be an object");
    }
    n->props = apr_hash_make(p);
    cJSON_ArrayForEach(m, props) {
        node_t *child;
        if ((err = compile_node(&child, p, m, apr_pstrcat(p, where,
                                *where ? "." : "", "properties.", m->string,
                                NULL))) != NULL) {
            return err;
        }
        apr_hash_set(n->props, m->string, APR_HASH_KEY_STRING, child);
    }
    return NULL;
}

static const char *compile_node(node_t **pn, apr_pool_t *p, const cJSON *j,
                                const char *where)
{
    node_t *n = apr_pcalloc(p, sizeof(*n));
    const cJSON *k;
    const char *err = NULL;
    const char *sep = *where ? "." : "";

    *pn = n;
    if (cJSON_IsBool(j)) {
        n->never = cJSON_IsFalse(j);
        return NULL;
    }
    if (!cJSON_IsObject(j)) {
        return at(p, where, "a schema must be an object or a boolean");
    }
    if ((k = mcp_json_get(j, "type")) != NULL
        && (err = compile_type(n, p, k, where)) != NULL) {
        return err;
    }
    if ((k = mcp_json_get(j, "enum")) != NULL
        && (err = compile_enum(n, p, k, where)) != NULL) {
        return err;
    }
    if ((k = mcp_json_get(j, "required")) != NULL
        && (err = compile_required(n, p, k, where)) != NULL) {
        return err;
    }
    if ((k = mcp_json_get(j, "properties")) != NULL
        && (err = compile_properties(n, p, k, where)) != NULL) {
        return err;
    }
    if ((k = mcp_json_get(j, "additionalProperties")) != NULL) {
        if (cJSON_IsFalse(k)) {
            n->no_additional = 1;
        }
        else if (cJSON_IsObject(k)) {
            err = compile_node(&n->additional, p, k, apr_pstrcat(p, where,
                               sep, "additionalProperties", NULL));
        }
        else if (!cJSON_IsTrue(k)) {
            err = at(p, where, "\"additionalProperties\" must be a boolean "
                     "or a schema");
        }
        if (err) {
            return err;
        }
    }
    /* the draft-07 tuple form (an array) is not checked */
    if ((k = mcp_json_get(j, "items")) != NULL && !cJSON_IsArray(k)) {
        return compile_node(&n->items, p, k, apr_pstrcat(p, where, sep,
                            "items", NULL));
    }
    return NULL;
}

const char *mcp_schema_compile_json(mcp_schema_t **pschema, apr_pool_t *p,
                                    const cJSON *json)
{
    mcp_schema_t *s = apr_pcalloc(p, sizeof(*s));
    const char *err;

    *pschema = NULL;
    if (!json) {
        return "no schema";
    }
    s->json = json;
    if ((err = compile_node(&s->root, p, json, "")) != NULL) {
        return err;
    }
    *pschema = s;
    return NULL;
}

const char *mcp_schema_compile(mcp_schema_t **pschema, apr_pool_t *p,
                               const char *text)
{
    const char *err;
    const cJSON *j;

    *pschema = NULL;
    if (!text) {
        return "no schema";
    }
    j = mcp_json_parse(p, text, strlen(text), MCP_MAX_JSON_DEPTH, &err);
    if (!j) {
        return apr_psprintf(p, "not a JSON document (%s)", err);
    }
    return mcp_schema_compile_json(pschema, p, j);
}

const cJSON *mcp_schema_json(const mcp_schema_t *schema)
{
    return schema ? schema->json : NULL;
}

/* ---- validate ---------------------------------------------------------- */

/* Where the value under test is: a member name or an array index, and the
 * frame of its container. */
typedef struct seg_t seg_t;
struct seg_t {
    const seg_t *up;
    const char *name;     /* NULL: index */
    int index;
};

static const char *path_text(apr_pool_t *p, const seg_t *s, const char *root)
{
    const char *text = "";
    const seg_t *first = s;

    for (; s; s = s->up) {
        const char *part = s->name
            ? apr_psprintf(p, "%s%.*s", s->up ? "." : "", MAX_NAME_SHOWN,
                           s->name)
            : apr_psprintf(p, "[%d]", s->index);
        text = apr_pstrcat(p, part, text, NULL);
        first = s;
    }
    if (!*text || !first->name) {
        text = apr_pstrcat(p, root ? root : "", text, NULL);
    }
    return text;
}

static const char *refuse(apr_pool_t *p, const seg_t *at_, const char *root,
                          const char *why)
{
    return apr_pstrcat(p, path_text(p, at_, root), ": ", why, NULL);
}

static unsigned type_of(const cJSON *v)
{
    if (cJSON_IsNull(v)) {
        return T_NULL;
    }
    if (cJSON_IsBool(v)) {
        return T_BOOLEAN;
    }
    if (cJSON_IsObject(v)) {
        return T_OBJECT;
    }
    if (cJSON_IsArray(v)) {
        return T_ARRAY;
    }
    if (cJSON_IsString(v)) {
        return T_STRING;
    }
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        return isfinite(d) && d == floor(d) ? T_NUMBER | T_INTEGER : T_NUMBER;
    }
    return 0;
}

static const char *check(const node_t *n, apr_pool_t *p, const cJSON *v,
                         const seg_t *here, const char *root)
{
    const cJSON *m;
    const char *err;
    int i;

    if (n->never) {
        return refuse(p, here, root, "not allowed");
    }
    if (n->types && !(n->types & type_of(v))) {
        return refuse(p, here, root, apr_pstrcat(p, "expected ",
                                                 n->types_text, NULL));
    }
    if (n->enums) {
        int found = 0;
        cJSON_ArrayForEach(m, n->enums) {
            if ((found = cJSON_Compare(v, m, 1)) != 0) {
                break;
            }
        }
        if (!found) {
            return refuse(p, here, root, !n->enums->child
                          ? "not allowed (empty enum)"
                          : apr_pstrcat(p, "expected one of ", n->enums_text,
                                        NULL));
        }
    }
    if (cJSON_IsObject(v)) {
        for (i = 0; n->required && i < n->required->nelts; ++i) {
            const char *name = APR_ARRAY_IDX(n->required, i, const char *);
            if (!mcp_json_get(v, name)) {
                seg_t seg = { here, name, 0 };
                return refuse(p, &seg, root, "is required");
            }
        }
        cJSON_ArrayForEach(m, v) {
            seg_t seg = { here, m->string, 0 };
            const node_t *child = n->props ? apr_hash_get(n->props,
                                  m->string, APR_HASH_KEY_STRING) : NULL;
            if (!child && n->no_additional) {
                return refuse(p, &seg, root, "unexpected property");
            }
            child = child ? child : n->additional;
            if (child && (err = check(child, p, m, &seg, root)) != NULL) {
                return err;
            }
        }
    }
    else if (cJSON_IsArray(v) && n->items) {
        i = 0;
        cJSON_ArrayForEach(m, v) {
            seg_t seg = { here, NULL, i++ };
            if ((err = check(n->items, p, m, &seg, root)) != NULL) {
                return err;
            }
        }
    }
    return NULL;
}

const char *mcp_schema_validate(const mcp_schema_t *schema, apr_pool_t *p,
                                const cJSON *value, const char *root)
{
    if (!schema || !value) {
        return apr_pstrcat(p, root ? root : "", ": ", !value ? "missing"
                           : "no schema to check it against", NULL);
    }
    return check(schema->root, p, value, NULL, root);
}
