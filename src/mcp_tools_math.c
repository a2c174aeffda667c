/* mcp_tools_math.c: the reference tools add(a, b) and multiply(x, y).
 * Bad arguments are tool errors (isError), not protocol errors, as MCP
 * 2025-11-25 classifies input validation: the server checks them against
 * the inputSchema first; the checks here remain for direct calls. A
 * result that overflows is a tool error too. */
#include <math.h>
#include <string.h>

#include <apr_strings.h>

#include "mcp_tools.h"

typedef double math_op(double, double);

typedef struct {
    const char *a, *b;   /* argument names */
    math_op *op;
} math_tool_t;

static double op_add(double a, double b) { return a + b; }
static double op_mul(double a, double b) { return a * b; }

static const math_tool_t ADD = { "a", "b", op_add };
static const math_tool_t MUL = { "x", "y", op_mul };

static cJSON *math_call(apr_pool_t *p, const cJSON *args, mcp_tool_ctx_t *ctx,
                        void *baton)
{
    const math_tool_t *t = baton;
    const cJSON *a = mcp_json_get(args, t->a), *b = mcp_json_get(args, t->b);
    const cJSON *e;
    cJSON *structured;
    const char *text;
    double r;

    cJSON_ArrayForEach(e, args) {
        if (strcmp(e->string, t->a) && strcmp(e->string, t->b)) {
            return mcp_tool_error(p, apr_psprintf(p, "unexpected argument "
                                                  "\"%.64s\"", e->string));
        }
    }
    if (!cJSON_IsNumber(a)) {
        return mcp_tool_error(p, apr_psprintf(p, "%s must be a number", t->a));
    }
    if (!cJSON_IsNumber(b)) {
        return mcp_tool_error(p, apr_psprintf(p, "%s must be a number", t->b));
    }
    r = t->op(a->valuedouble, b->valuedouble);
    if (!isfinite(r)) {
        return mcp_tool_error(p, "the result is not a finite number");
    }
    /* the text is the same JSON number as structuredContent.result,
     * printed so that it reads back as exactly r */
    text = mcp_json_number_text(p, r);
    structured = cJSON_CreateObject();
    cJSON_AddRawToObject(structured, "result", text);
    return mcp_tool_result(p, text, structured);
}

#define OUTPUT_SCHEMA \
    "{\"type\":\"object\",\"properties\":{\"result\":{\"type\":\"number\"}}," \
    "\"required\":[\"result\"]}"

#define INPUT_SCHEMA(a, b) \
    "{\"type\":\"object\",\"properties\":{" \
    "\"" a "\":{\"type\":\"number\"},\"" b "\":{\"type\":\"number\"}}," \
    "\"required\":[\"" a "\",\"" b "\"],\"additionalProperties\":false}"

static const mcp_tool_t TOOL_ADD = {
    "add", "Add", "Add two numbers: a + b.",
    INPUT_SCHEMA("a", "b"), OUTPUT_SCHEMA, math_call, (void *)&ADD
};

static const mcp_tool_t TOOL_MULTIPLY = {
    "multiply", "Multiply", "Multiply two numbers: x * y.",
    INPUT_SCHEMA("x", "y"), OUTPUT_SCHEMA, math_call, (void *)&MUL
};

static const mcp_tool_t *const MATH[] = { &TOOL_ADD, &TOOL_MULTIPLY, NULL };

const mcp_tool_t *const *mcp_tools_math(void)
{
    return MATH;
}

const char *mcp_tools_add_math(mcp_tools_t *reg)
{
    const char *err = NULL;
    int i;

    for (i = 0; MATH[i] && !err; ++i) {
        err = mcp_tools_add(reg, MATH[i]);
    }
    return err;
}
