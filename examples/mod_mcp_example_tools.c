/* mod_mcp_example_tools: an Apache module that gives mod_mcp_auth's MCP
 * endpoint (SetHandler mcp) more tools, through the tool provider API:
 *
 *   ap_register_provider(pconf, MCP_TOOL_PROVIDER_GROUP, tool->name,
 *                        MCP_TOOL_PROVIDER_VERSION, tool);
 *
 * Its tools are the static fixtures of the official MCP conformance suite
 * (server scenarios, @modelcontextprotocol/conformance 0.1.16), a tool
 * whose arguments show what mod_mcp_auth checks before a tool runs, and,
 * with the directive
 *
 *   MCPExampleNumberedTools 150
 *
 * that many numbered tools (to page through tools/list). For tests only,
 * `MCPExampleInvalidTool schema|name|description` registers a tool that
 * mod_mcp_auth refuses, so that Apache does not start.
 *
 * It is built on its own (see examples/README.md) and uses only the types
 * of mcp_tools.h, cJSON and APR: no function of mod_mcp_auth. The tools run
 * in any order of LoadModule lines.
 */
#include <stdlib.h>
#include <string.h>

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "ap_provider.h"
#include "apr_lib.h"
#include "apr_strings.h"

#include "mcp_tools.h"

/* A 1x1 red PNG and a WAV of one silent sample (mono, 8 kHz, 16 bit). */
static const char PNG_BASE64[] =
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR42mP4z8AAAAMBAQD3"
    "A0FDAAAAAElFTkSuQmCC";
static const char WAV_BASE64[] =
    "UklGRiYAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YQIAAAAAAA==";

/* No arguments at all. */
#define NO_ARGUMENTS "{\"type\":\"object\",\"additionalProperties\":false}"

/* ---- building results (cJSON trees owned by the request pool) -------- */

static apr_status_t json_cleanup(void *j)
{
    cJSON_Delete(j);
    return APR_SUCCESS;
}

/* {"content":[]}, freed with p. */
static cJSON *result_new(apr_pool_t *p, cJSON **pcontent)
{
    cJSON *r = cJSON_CreateObject();

    apr_pool_cleanup_register(p, r, json_cleanup, apr_pool_cleanup_null);
    *pcontent = cJSON_AddArrayToObject(r, "content");
    return r;
}

static void add_text(cJSON *content, const char *text)
{
    cJSON *c = cJSON_CreateObject();

    cJSON_AddStringToObject(c, "type", "text");
    cJSON_AddStringToObject(c, "text", text);
    cJSON_AddItemToArray(content, c);
}

/* type "image" or "audio" */
static void add_media(cJSON *content, const char *type, const char *data,
                      const char *mime_type)
{
    cJSON *c = cJSON_CreateObject();

    cJSON_AddStringToObject(c, "type", type);
    cJSON_AddStringToObject(c, "data", data);
    cJSON_AddStringToObject(c, "mimeType", mime_type);
    cJSON_AddItemToArray(content, c);
}

static void add_resource(cJSON *content, const char *uri,
                         const char *mime_type, const char *text)
{
    cJSON *c = cJSON_CreateObject();
    cJSON *res = cJSON_AddObjectToObject(c, "resource");

    cJSON_AddStringToObject(c, "type", "resource");
    cJSON_AddStringToObject(res, "uri", uri);
    cJSON_AddStringToObject(res, "mimeType", mime_type);
    cJSON_AddStringToObject(res, "text", text);
    cJSON_AddItemToArray(content, c);
}

static cJSON *text_result(apr_pool_t *p, const char *text)
{
    cJSON *content, *r = result_new(p, &content);

    add_text(content, text);
    return r;
}

/* ---- the conformance fixtures ---------------------------------------- */

static cJSON *simple_text(apr_pool_t *p, const cJSON *args,
                          mcp_tool_ctx_t *ctx, void *baton)
{
    return text_result(p, "This is a simple text response for testing.");
}

static cJSON *image_content(apr_pool_t *p, const cJSON *args,
                            mcp_tool_ctx_t *ctx, void *baton)
{
    cJSON *content, *r = result_new(p, &content);

    add_media(content, "image", PNG_BASE64, "image/png");
    return r;
}

static cJSON *audio_content(apr_pool_t *p, const cJSON *args,
                            mcp_tool_ctx_t *ctx, void *baton)
{
    cJSON *content, *r = result_new(p, &content);

    add_media(content, "audio", WAV_BASE64, "audio/wav");
    return r;
}

static cJSON *embedded_resource(apr_pool_t *p, const cJSON *args,
                                mcp_tool_ctx_t *ctx, void *baton)
{
    cJSON *content, *r = result_new(p, &content);

    add_resource(content, "test://embedded-resource", "text/plain",
                 "This is an embedded resource content.");
    return r;
}

static cJSON *multiple_content_types(apr_pool_t *p, const cJSON *args,
                                     mcp_tool_ctx_t *ctx, void *baton)
{
    cJSON *content, *r = result_new(p, &content);

    add_text(content, "Multiple content types test:");
    add_media(content, "image", PNG_BASE64, "image/png");
    add_resource(content, "test://mixed-content-resource",
                 "application/json", "{\"test\":\"data\",\"value\":123}");
    return r;
}

static cJSON *error_handling(apr_pool_t *p, const cJSON *args,
                             mcp_tool_ctx_t *ctx, void *baton)
{
    cJSON *r = text_result(p, "This tool intentionally returns an error "
                           "for testing");

    cJSON_AddTrueToObject(r, "isError");
    return r;
}

/* Send one notification when the transport can; 0 when it cannot (then
 * the tool stops trying). */
static int notify(mcp_tool_ctx_t *ctx, const char *method, cJSON *params)
{
    apr_status_t rv = ctx && ctx->notify
                      ? ctx->notify(ctx, method, params) : APR_ENOTIMPL;

    cJSON_Delete(params);
    return rv == APR_SUCCESS;
}

/* Progress 0, 50, 100 of 100 for the request's _meta.progressToken (none
 * without a token: progress is only ever sent for one), 50 ms apart. */
static cJSON *tool_with_progress(apr_pool_t *p, const cJSON *args,
                                 mcp_tool_ctx_t *ctx, void *baton)
{
    const cJSON *token = ctx && ctx->meta
        ? cJSON_GetObjectItemCaseSensitive(ctx->meta, "progressToken") : NULL;
    char *printed;
    const char *text;
    int step;

    if (!cJSON_IsString(token) && !cJSON_IsNumber(token)) {
        return text_result(p, "no progressToken: no progress to report");
    }
    for (step = 0; step <= 100; step += 50) {
        cJSON *params = cJSON_CreateObject();
        cJSON_AddItemToObject(params, "progressToken",
                              cJSON_Duplicate(token, 1));
        cJSON_AddNumberToObject(params, "progress", step);
        cJSON_AddNumberToObject(params, "total", 100);
        cJSON_AddStringToObject(params, "message", apr_psprintf(p,
                                "Completed step %d of 100", step));
        if (!notify(ctx, "notifications/progress", params)) {
            break;
        }
        if (step < 100) {
            apr_sleep(apr_time_from_msec(50));
        }
    }
    /* the result names the token, as the suite's reference server does */
    if (cJSON_IsString(token)) {
        return text_result(p, token->valuestring);
    }
    printed = cJSON_PrintUnformatted(token);
    text = apr_pstrdup(p, printed ? printed : "?");
    cJSON_free(printed);
    return text_result(p, text);
}

/* Three log messages at info, 50 ms apart. */
static cJSON *tool_with_logging(apr_pool_t *p, const cJSON *args,
                                mcp_tool_ctx_t *ctx, void *baton)
{
    static const char *const messages[] = {
        "Tool execution started", "Tool processing data",
        "Tool execution completed",
    };
    int i;

    for (i = 0; i < 3; ++i) {
        cJSON *params = cJSON_CreateObject();
        cJSON_AddStringToObject(params, "level", "info");
        cJSON_AddStringToObject(params, "logger", "mcp_example_tools");
        cJSON_AddStringToObject(params, "data", messages[i]);
        if (!notify(ctx, "notifications/message", params)) {
            break;
        }
        if (i < 2) {
            apr_sleep(apr_time_from_msec(50));
        }
    }
    return text_result(p, "Tool with logging executed successfully");
}

/* The suite's json-schema-2020-12 scenario (pending in 0.1.16) checks that
 * $schema, $defs and additionalProperties reach tools/list unchanged. */
static cJSON *json_schema_2020_12(apr_pool_t *p, const cJSON *args,
                                  mcp_tool_ctx_t *ctx, void *baton)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(args, "name");

    return text_result(p, apr_psprintf(p, "Hello, %s",
                                       cJSON_IsString(name)
                                       ? name->valuestring : "nobody"));
}

/* ---- a tool with real arguments -------------------------------------- */

/* example_echo: text, repeated `times` (1 to 10), upper-cased when style
 * is "upper", with the tags appended. The arguments arrive checked
 * against the inputSchema: a string is a string, times an integer. */
static cJSON *echo(apr_pool_t *p, const cJSON *args, mcp_tool_ctx_t *ctx,
                   void *baton)
{
    const cJSON *text = cJSON_GetObjectItemCaseSensitive(args, "text");
    const cJSON *times = cJSON_GetObjectItemCaseSensitive(args, "times");
    const cJSON *style = cJSON_GetObjectItemCaseSensitive(args, "style");
    const cJSON *tags = cJSON_GetObjectItemCaseSensitive(args, "tags"), *t;
    double n = times ? times->valuedouble : 1;
    const char *out = "";
    char *s;
    int i;

    if (n < 1 || n > 10) {
        /* a business rule the schema does not state: a tool error too */
        cJSON *r = text_result(p, "times must be between 1 and 10");
        cJSON_AddTrueToObject(r, "isError");
        return r;
    }
    for (i = 0; i < n; ++i) {
        out = apr_pstrcat(p, out, i ? " " : "", text->valuestring, NULL);
    }
    cJSON_ArrayForEach(t, tags) {
        out = apr_pstrcat(p, out, " #", t->valuestring, NULL);
    }
    if (style && !strcmp(style->valuestring, "upper")) {
        for (s = (char *)out; *s; ++s) {
            *s = apr_toupper(*s);
        }
    }
    return text_result(p, out);
}

#define ECHO_SCHEMA \
    "{\"type\":\"object\",\"properties\":{" \
    "\"text\":{\"type\":\"string\",\"description\":\"What to echo\"}," \
    "\"times\":{\"type\":\"integer\",\"description\":\"1 to 10\"}," \
    "\"style\":{\"enum\":[\"plain\",\"upper\"]}," \
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}}," \
    "\"note\":{\"type\":[\"string\",\"null\"]}}," \
    "\"required\":[\"text\"],\"additionalProperties\":false}"

#define JSON_SCHEMA_2020_12 \
    "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\"," \
    "\"type\":\"object\",\"$defs\":{\"address\":{\"type\":\"object\"," \
    "\"properties\":{\"street\":{\"type\":\"string\"}," \
    "\"city\":{\"type\":\"string\"}}}},\"properties\":{" \
    "\"name\":{\"type\":\"string\"}," \
    "\"address\":{\"$ref\":\"#/$defs/address\"}}," \
    "\"additionalProperties\":false}"

static const mcp_tool_t TOOLS[] = {
    { "test_simple_text", NULL, "Tests simple text content response",
      NO_ARGUMENTS, NULL, simple_text, NULL },
    { "test_image_content", NULL, "Tests image content response",
      NO_ARGUMENTS, NULL, image_content, NULL },
    { "test_audio_content", NULL, "Tests audio content response",
      NO_ARGUMENTS, NULL, audio_content, NULL },
    { "test_embedded_resource", NULL,
      "Tests embedded resource content response",
      NO_ARGUMENTS, NULL, embedded_resource, NULL },
    { "test_multiple_content_types", NULL,
      "Tests response with multiple content types (text, image, resource)",
      NO_ARGUMENTS, NULL, multiple_content_types, NULL },
    { "test_error_handling", NULL, "Tests error response handling",
      NO_ARGUMENTS, NULL, error_handling, NULL },
    { "test_tool_with_progress", NULL,
      "Tests tool that reports progress notifications",
      NO_ARGUMENTS, NULL, tool_with_progress, NULL },
    { "test_tool_with_logging", NULL,
      "Tests tool that emits log messages during execution",
      NO_ARGUMENTS, NULL, tool_with_logging, NULL },
    { "json_schema_2020_12_tool", NULL,
      "Tool with JSON Schema 2020-12 features",
      JSON_SCHEMA_2020_12, NULL, json_schema_2020_12, NULL },
    { "example_echo", "Echo",
      "Echo a text, optionally repeated, upper-cased and tagged",
      ECHO_SCHEMA, NULL, echo, NULL },
};

/* ---- numbered tools (MCPExampleNumberedTools N) ----------------------- */

#define MAX_NUMBERED 10000

static cJSON *numbered(apr_pool_t *p, const cJSON *args, mcp_tool_ctx_t *ctx,
                       void *baton)
{
    return text_result(p, baton);
}

static const char *cmd_numbered_tools(cmd_parms *cmd, void *dconf,
                                      const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    char *end;
    long n, i;

    if (err) {
        return err;
    }
    n = strtol(arg, &end, 10);
    if (*arg == '\0' || *end != '\0' || n < 0 || n > MAX_NUMBERED) {
        return apr_psprintf(cmd->pool, "%s: a number from 0 to %d, not "
                            "\"%s\"", cmd->cmd->name, MAX_NUMBERED, arg);
    }
    /* registered in the configuration pool, like the fixed tools: the
     * registrations end with this configuration */
    for (i = 1; i <= n; ++i) {
        mcp_tool_t *t = apr_pcalloc(cmd->pool, sizeof(*t));
        t->name = apr_psprintf(cmd->pool, "example_numbered_%05ld", i);
        t->description = apr_psprintf(cmd->pool, "Numbered tool %ld of %ld "
                                      "(returns its number)", i, n);
        t->input_schema = NO_ARGUMENTS;
        t->call = numbered;
        t->baton = apr_psprintf(cmd->pool, "%ld", i);
        ap_register_provider(cmd->pool, MCP_TOOL_PROVIDER_GROUP, t->name,
                             MCP_TOOL_PROVIDER_VERSION, t);
    }
    return NULL;
}

/* ---- MCPExampleInvalidTool schema|name|description (tests only) ------ */

/* A tool that mod_mcp_auth must refuse, so that startup fails: the tests
 * of that refusal use it. */
static const char *cmd_invalid_tool(cmd_parms *cmd, void *dconf,
                                    const char *arg)
{
    const char *err = ap_check_cmd_context(cmd, GLOBAL_ONLY);
    mcp_tool_t *t;

    if (err) {
        return err;
    }
    t = apr_pcalloc(cmd->pool, sizeof(*t));
    t->name = "example_invalid";
    t->description = "A tool that is refused";
    t->input_schema = NO_ARGUMENTS;
    t->call = simple_text;
    if (!strcmp(arg, "schema")) {
        t->input_schema = "{\"type\":\"object\",\"properties\":"
                          "{\"a\":{\"type\":\"strng\"}}}";
    }
    else if (!strcmp(arg, "name")) {
        t->name = "example_misnamed";   /* not its provider name */
    }
    else if (!strcmp(arg, "description")) {
        t->description = NULL;
    }
    else {
        return apr_psprintf(cmd->pool, "%s: schema, name or description, "
                            "not \"%s\"", cmd->cmd->name, arg);
    }
    ap_register_provider(cmd->pool, MCP_TOOL_PROVIDER_GROUP,
                         "example_invalid", MCP_TOOL_PROVIDER_VERSION, t);
    return NULL;
}

static const command_rec example_cmds[] = {
    AP_INIT_TAKE1("MCPExampleNumberedTools", cmd_numbered_tools, NULL,
                  RSRC_CONF, "Register this many numbered example tools"),
    AP_INIT_TAKE1("MCPExampleInvalidTool", cmd_invalid_tool, NULL,
                  RSRC_CONF, "Tests only: register a tool that mod_mcp_auth "
                  "refuses (schema, name or description)"),
    { NULL }
};

static void register_hooks(apr_pool_t *p)
{
    apr_size_t i;

    for (i = 0; i < sizeof(TOOLS) / sizeof(TOOLS[0]); ++i) {
        ap_register_provider(p, MCP_TOOL_PROVIDER_GROUP, TOOLS[i].name,
                             MCP_TOOL_PROVIDER_VERSION, &TOOLS[i]);
    }
}

AP_DECLARE_MODULE(mcp_example_tools) = {
    STANDARD20_MODULE_STUFF,
    NULL, NULL, NULL, NULL,
    example_cmds,
    register_hooks,
#if defined(AP_MODULE_FLAG_NONE)
    AP_MODULE_FLAG_NONE
#endif
};
