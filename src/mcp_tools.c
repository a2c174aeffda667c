/* mcp_tools.c: tool registry and CallToolResult helpers.
 *
 * Filled at startup (mcp_tools_add), then sealed: sorted by name, the
 * tools/list pages rendered once. After the seal it is read-only, so every
 * thread of every child shares it without locks. */
#include <stdlib.h>
#include <string.h>

#include <apr_hash.h>
#include <apr_lib.h>
#include <apr_strings.h>

#include "mcp_tools.h"

#define MAX_TOOL_NAME 128

typedef struct entry_t {
    const mcp_tool_t *tool;
    mcp_schema_t *input;
    const cJSON *output;        /* parsed outputSchema, or NULL */
} entry_t;

struct mcp_tools_t {
    apr_pool_t *pool;
    apr_array_header_t *entries;    /* entry_t * */
    apr_hash_t *by_name;            /* name -> entry_t * */
    apr_array_header_t *pages;      /* const char *: page i's result */
    apr_array_header_t *cursors;    /* const char *: cursor of page i */
};

mcp_tools_t *mcp_tools_create(apr_pool_t *p)
{
    mcp_tools_t *reg = apr_pcalloc(p, sizeof(*reg));

    reg->pool = p;
    reg->entries = apr_array_make(p, 8, sizeof(entry_t *));
    reg->by_name = apr_hash_make(p);
    return reg;
}

static int name_valid(const char *s)
{
    apr_size_t n = 0;

    for (; s && *s; ++s, ++n) {
        if (!apr_isalnum(*s) && *s != '_' && *s != '.' && *s != '-') {
            return 0;
        }
    }
    return n >= 1 && n <= MAX_TOOL_NAME;
}

/* Compile an input or output schema: a JSON object of "type":"object". */
static const char *object_schema(mcp_schema_t **pschema, apr_pool_t *p,
                                 const char *text)
{
    const char *err = mcp_schema_compile(pschema, p, text);
    const cJSON *type;

    if (err) {
        return err;
    }
    type = mcp_json_get(mcp_schema_json(*pschema), "type");
    if (!cJSON_IsObject(mcp_schema_json(*pschema)) || !cJSON_IsString(type)
        || strcmp(type->valuestring, "object")) {
        *pschema = NULL;
        return "not a JSON Schema object of \"type\":\"object\"";
    }
    return NULL;
}

const char *mcp_tools_add(mcp_tools_t *reg, const mcp_tool_t *tool)
{
    apr_pool_t *p = reg->pool;
    mcp_schema_t *output = NULL;
    entry_t *e;
    const char *err;

    if (reg->pages) {
        return "tools cannot be added after startup";
    }
    if (!name_valid(tool->name)) {
        return apr_psprintf(p, "tool name \"%.200s\" is not 1 to 128 "
                            "characters of [A-Za-z0-9_.-]",
                            tool->name ? tool->name : "");
    }
    if (mcp_tools_find(reg, tool->name)) {
        return apr_psprintf(p, "tool \"%s\" is defined twice", tool->name);
    }
    if (!tool->description || !*tool->description) {
        return apr_psprintf(p, "tool \"%s\" lacks a description",
                            tool->name);
    }
    if (!tool->call) {
        return apr_psprintf(p, "tool \"%s\" lacks a function", tool->name);
    }
    if (!tool->input_schema) {
        return apr_psprintf(p, "tool \"%s\" lacks an inputSchema",
                            tool->name);
    }
    e = apr_pcalloc(p, sizeof(*e));
    e->tool = tool;
    if ((err = object_schema(&e->input, p, tool->input_schema)) != NULL) {
        return apr_psprintf(p, "tool \"%s\": inputSchema: %s", tool->name,
                            err);
    }
    if (tool->output_schema
        && (err = object_schema(&output, p, tool->output_schema)) != NULL) {
        return apr_psprintf(p, "tool \"%s\": outputSchema: %s", tool->name,
                            err);
    }
    e->output = mcp_schema_json(output);
    APR_ARRAY_PUSH(reg->entries, entry_t *) = e;
    apr_hash_set(reg->by_name, tool->name, APR_HASH_KEY_STRING, e);
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    const entry_t *x = *(entry_t *const *)a, *y = *(entry_t *const *)b;

    return strcmp(x->tool->name, y->tool->name);
}

/* FNV-1a over the names, in order: the same tools give the same cursors
 * in every child and after a restart; other tools give other cursors. */
static const char *fingerprint(apr_pool_t *p, const apr_array_header_t *es)
{
    apr_uint64_t h = APR_UINT64_C(14695981039346656037);
    int i;

    for (i = 0; i < es->nelts; ++i) {
        const unsigned char *s = (const unsigned char *)
            APR_ARRAY_IDX(es, i, entry_t *)->tool->name;
        do {
            h = (h ^ *s) * APR_UINT64_C(1099511628211);
        } while (*s++);
    }
    return apr_psprintf(p, "%016" APR_UINT64_T_HEX_FMT, h);
}

static cJSON *tool_json(const entry_t *e)
{
    const mcp_tool_t *t = e->tool;
    cJSON *o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "name", t->name);
    if (t->title) {
        cJSON_AddStringToObject(o, "title", t->title);
    }
    cJSON_AddStringToObject(o, "description", t->description);
    cJSON_AddItemToObject(o, "inputSchema",
                          cJSON_Duplicate(mcp_schema_json(e->input), 1));
    if (e->output) {
        cJSON_AddItemToObject(o, "outputSchema",
                              cJSON_Duplicate(e->output, 1));
    }
    return o;
}

const char *mcp_tools_seal(mcp_tools_t *reg)
{
    apr_pool_t *p = reg->pool;
    int n = reg->entries->nelts;
    int npages = n ? (n + MCP_TOOLS_PAGE_SIZE - 1) / MCP_TOOLS_PAGE_SIZE : 1;
    const char *fp;
    int page, i;

    if (reg->pages) {
        return "the tools are sealed already";
    }
    qsort(reg->entries->elts, n, sizeof(entry_t *), by_name);
    fp = fingerprint(p, reg->entries);
    reg->pages = apr_array_make(p, npages, sizeof(const char *));
    reg->cursors = apr_array_make(p, npages, sizeof(const char *));
    for (page = 0; page < npages; ++page) {
        cJSON *result = mcp_json_own(p, cJSON_CreateObject());
        cJSON *list = cJSON_AddArrayToObject(result, "tools");
        const char *json;

        for (i = page * MCP_TOOLS_PAGE_SIZE;
             i < n && i < (page + 1) * MCP_TOOLS_PAGE_SIZE; ++i) {
            cJSON_AddItemToArray(list, tool_json(APR_ARRAY_IDX(reg->entries,
                                                 i, entry_t *)));
        }
        APR_ARRAY_PUSH(reg->cursors, const char *) =
            page ? apr_psprintf(p, "%s-%d", fp, page) : NULL;
        if (page + 1 < npages) {
            cJSON_AddStringToObject(result, "nextCursor",
                                    apr_psprintf(p, "%s-%d", fp, page + 1));
        }
        if (!(json = mcp_json_print(p, result))) {
            reg->pages = NULL;
            return "cannot render tools/list";
        }
        APR_ARRAY_PUSH(reg->pages, const char *) = json;
    }
    return NULL;
}

const mcp_tool_t *mcp_tools_find(const mcp_tools_t *reg, const char *name)
{
    const entry_t *e = name ? apr_hash_get(reg->by_name, name,
                                           APR_HASH_KEY_STRING) : NULL;

    return e ? e->tool : NULL;
}

const mcp_schema_t *mcp_tools_input_schema(const mcp_tools_t *reg,
                                           const char *name)
{
    const entry_t *e = name ? apr_hash_get(reg->by_name, name,
                                           APR_HASH_KEY_STRING) : NULL;

    return e ? e->input : NULL;
}

int mcp_tools_count(const mcp_tools_t *reg)
{
    return reg->entries->nelts;
}

const char *mcp_tools_list_page(const mcp_tools_t *reg, const char *cursor)
{
    int i;

    if (!reg->pages) {
        return NULL;
    }
    if (!cursor) {
        return APR_ARRAY_IDX(reg->pages, 0, const char *);
    }
    for (i = 1; i < reg->cursors->nelts; ++i) {
        if (!strcmp(cursor, APR_ARRAY_IDX(reg->cursors, i, const char *))) {
            return APR_ARRAY_IDX(reg->pages, i, const char *);
        }
    }
    return NULL;
}

const char *mcp_tools_list_json(const mcp_tools_t *reg)
{
    return mcp_tools_list_page(reg, NULL);
}

cJSON *mcp_tool_result(apr_pool_t *p, const char *text, cJSON *structured)
{
    cJSON *r = mcp_json_own(p, cJSON_CreateObject());
    cJSON *content = cJSON_AddArrayToObject(r, "content");
    cJSON *item = cJSON_CreateObject();

    cJSON_AddStringToObject(item, "type", "text");
    cJSON_AddStringToObject(item, "text", text);
    cJSON_AddItemToArray(content, item);
    if (structured) {
        cJSON_AddItemToObject(r, "structuredContent", structured);
    }
    return r;
}

cJSON *mcp_tool_error(apr_pool_t *p, const char *message)
{
    cJSON *r = mcp_tool_result(p, message, NULL);

    cJSON_AddTrueToObject(r, "isError");
    return r;
}
