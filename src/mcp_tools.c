/* mcp_tools.c: tool registry and CallToolResult helpers. */
#include <string.h>

#include <apr_lib.h>
#include <apr_strings.h>

#include "mcp_tools.h"

#define MAX_TOOL_NAME 128

struct mcp_tools_t {
    apr_pool_t *pool;
    apr_array_header_t *tools;  /* const mcp_tool_t * */
    const char *list_json;      /* set by seal */
};

mcp_tools_t *mcp_tools_create(apr_pool_t *p)
{
    mcp_tools_t *reg = apr_pcalloc(p, sizeof(*reg));

    reg->pool = p;
    reg->tools = apr_array_make(p, 8, sizeof(const mcp_tool_t *));
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

static int schema_valid(apr_pool_t *p, const char *text)
{
    const char *err;
    const cJSON *j, *type;

    j = mcp_json_parse(p, text, strlen(text), MCP_MAX_JSON_DEPTH, &err);
    type = j ? mcp_json_get(j, "type") : NULL;
    return cJSON_IsObject(j) && cJSON_IsString(type)
           && !strcmp(type->valuestring, "object");
}

const char *mcp_tools_add(mcp_tools_t *reg, const mcp_tool_t *tool)
{
    if (reg->list_json) {
        return "tools cannot be added after startup";
    }
    if (!name_valid(tool->name)) {
        return apr_psprintf(reg->pool, "tool name \"%s\" is not 1 to 128 "
                            "characters of [A-Za-z0-9_.-]",
                            tool->name ? tool->name : "");
    }
    if (mcp_tools_find(reg, tool->name)) {
        return apr_psprintf(reg->pool, "tool \"%s\" is defined twice",
                            tool->name);
    }
    if (!tool->description || !tool->call || !tool->input_schema
        || !schema_valid(reg->pool, tool->input_schema)
        || (tool->output_schema
            && !schema_valid(reg->pool, tool->output_schema))) {
        return apr_psprintf(reg->pool, "tool \"%s\" lacks a description, a "
                            "function or an object schema", tool->name);
    }
    APR_ARRAY_PUSH(reg->tools, const mcp_tool_t *) = tool;
    return NULL;
}

const char *mcp_tools_seal(mcp_tools_t *reg)
{
    cJSON *result = mcp_json_own(reg->pool, cJSON_CreateObject());
    cJSON *list = cJSON_AddArrayToObject(result, "tools");
    const char *err;
    int i;

    for (i = 0; i < reg->tools->nelts; ++i) {
        const mcp_tool_t *t = APR_ARRAY_IDX(reg->tools, i, const mcp_tool_t *);
        cJSON *o = cJSON_CreateObject();
        cJSON_AddItemToArray(list, o);
        cJSON_AddStringToObject(o, "name", t->name);
        if (t->title) {
            cJSON_AddStringToObject(o, "title", t->title);
        }
        cJSON_AddStringToObject(o, "description", t->description);
        /* parsed again into this tree: the pool keeps the originals */
        cJSON_AddItemToObject(o, "inputSchema",
                cJSON_Duplicate(mcp_json_parse(reg->pool, t->input_schema,
                        strlen(t->input_schema), MCP_MAX_JSON_DEPTH, &err),
                        1));
        if (t->output_schema) {
            cJSON_AddItemToObject(o, "outputSchema",
                    cJSON_Duplicate(mcp_json_parse(reg->pool,
                            t->output_schema, strlen(t->output_schema),
                            MCP_MAX_JSON_DEPTH, &err), 1));
        }
    }
    reg->list_json = mcp_json_print(reg->pool, result);
    return reg->list_json ? NULL : "cannot render tools/list";
}

const mcp_tool_t *mcp_tools_find(const mcp_tools_t *reg, const char *name)
{
    int i;

    for (i = 0; i < reg->tools->nelts; ++i) {
        const mcp_tool_t *t = APR_ARRAY_IDX(reg->tools, i, const mcp_tool_t *);
        if (!strcmp(t->name, name)) {
            return t;
        }
    }
    return NULL;
}

const char *mcp_tools_list_json(const mcp_tools_t *reg)
{
    return reg->list_json;
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
