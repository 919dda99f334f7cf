/* page_admin.c — /admin, for super admins only (404 for everyone else): AI providers (name,
 * code, base URL, wire, active), models (identifier, display name, context window, active,
 * prices per million input/output tokens), the instance's default limits and monthly budget,
 * each user's limits; and /admin/usage (per user, model and UTC day: requests, tokens, cost,
 * with a bar chart of each day's cost drawn here as SVG) and its CSV export. */
#include "admin.h"
#include "ai_config.h"
#include "ai_settings.h"
#include "buf.h"
#include "db.h"
#include "handlers.h"
#include "html.h"
#include "http.h"
#include "view.h"
#include <stdlib.h>
#include <string.h>

int admin_gate(struct req *r)
{
    if (r->user && r->user->is_super_admin)
        return 1;
    page_error(r, 404, "Page not found", "There is nothing at this address.");
    return 0;
}

void admin_tabs(struct req *r, json_t *ctx, const char *active)
{
    static const struct { const char *key, *href, *label; } tabs[] = {
        {"users", "/admin/users", "Users"},
        {"orgs", "/admin/orgs", "Organizations and settings"},
        {"ai", "/admin", "AI providers and limits"},
        {"usage", "/admin/usage", "AI usage"},
    };
    (void)r;
    json_t *list = json_array();
    for (size_t i = 0; i < sizeof tabs / sizeof tabs[0]; i++)
        json_array_append_new(list, json_pack("{s:s, s:s, s:b}", "href", tabs[i].href, "label", tabs[i].label,
                                              "current", strcmp(tabs[i].key, active) == 0));
    json_object_set_new(ctx, "admin_tabs", list);
    json_object_set_new(ctx, "nav_admin", json_true());
}

/* rows_json: every row of res as an object with the given keys (text values; "" for NULL). */
static json_t *rows_json(const PGresult *res, const char *const *keys, int nkeys)
{
    json_t *out = json_array();
    for (int i = 0; i < PQntuples(res); i++) {
        json_t *o = json_object();
        for (int k = 0; k < nkeys; k++)
            json_object_set_new(o, keys[k], json_string(db_val(res, i, k)));
        json_array_append_new(out, o);
    }
    return out;
}

/* flag: mark column-derived booleans ("t") as JSON true/false for sections and checkboxes. */
static void flag(json_t *rows, const char *key)
{
    for (size_t i = 0; i < json_array_size(rows); i++) {
        json_t *o = json_array_get(rows, i);
        json_object_set_new(o, key, json_boolean(strcmp(json_string_value(json_object_get(o, key)), "t") == 0));
    }
}

static void admin_render(struct req *r, int status, json_t *errors)
{
    static const char *const pk[] = {"code", "name", "base_url", "wire", "is_active"};
    static const char *const mk[] = {"provider_code", "model_identifier", "display_name",
                                     "context_window", "is_active", "input_price", "output_price"};
    static const char *const sk[] = {"requests_per_hour", "requests_per_day", "tokens_per_hour",
                                     "tokens_per_day", "monthly_budget", "month_cost"};
    static const char *const uk[] = {"id", "email", "name", "requests_per_hour", "requests_per_day",
                                     "tokens_per_hour", "tokens_per_day"};
    PGresult *p = db_query(r, "SELECT code, name, base_url, COALESCE(wire, 'openai'),"
                              " is_active IS NOT FALSE FROM ai_providers ORDER BY id", DB_NOARGS);
    PGresult *m = p ? db_query(r, "SELECT p.code, m.model_identifier, m.display_name, m.context_window,"
                                  " m.is_active IS NOT FALSE, m.input_price::text, m.output_price::text"
                                  " FROM ai_models m JOIN ai_providers p ON p.id = m.provider_id"
                                  " ORDER BY p.id, m.id", DB_NOARGS) : NULL;
    PGresult *s = m ? db_query(r, "SELECT s.requests_per_hour, s.requests_per_day, s.tokens_per_hour,"
                                  " s.tokens_per_day, s.monthly_budget::text, round(ai_month_cost(), 2)::text"
                                  " FROM (SELECT 1) one LEFT JOIN ai_settings s ON s.id", DB_NOARGS) : NULL;
    PGresult *u = s ? db_query(r, "SELECT u.id, u.email, COALESCE(u.name, ''), l.requests_per_hour,"
                                  " l.requests_per_day, l.tokens_per_hour, l.tokens_per_day"
                                  " FROM ai_admin_users() u LEFT JOIN ai_user_limits l ON l.user_id = u.id",
                               DB_NOARGS) : NULL;
    if (!u) {
        page_db_error(r);
        return;
    }
    json_t *ctx = view_ctx(r);
    json_t *providers = rows_json(p, pk, 5), *models = rows_json(m, mk, 7);
    flag(providers, "is_active");
    flag(models, "is_active");
    json_object_set_new(ctx, "providers", providers);
    json_object_set_new(ctx, "models", models);
    json_t *settings = rows_json(s, sk, 6);
    json_object_set(ctx, "settings", json_array_get(settings, 0));
    json_decref(settings);
    json_object_set_new(ctx, "users", rows_json(u, uk, 7));
    json_object_set_new(ctx, "errors", errors ? json_incref(errors) : json_object());
    admin_tabs(r, ctx, "ai");
    view_flash(r, ctx);
    view_render(r, status, "admin", ctx);
}

void page_admin(struct req *r)
{
    if (admin_gate(r))
        admin_render(r, 200, NULL);
}

static void form_answer(struct req *r, int rc, const char *field, const char *message)
{
    (void)field;
    if (rc == AI_SAVE_OK)
        resp_redirect(r, "/admin?done=saved");
    else if (rc == AI_SAVE_INVALID)
        admin_render(r, 422, view_field_error(r, "form", message));
    else if (rc == AI_SAVE_NOT_FOUND)
        page_error(r, 404, "Not found", "There is no such provider or user.");
    else
        page_db_error(r);
}

/* form_number: the field as a whole number, -1 when empty; -2 when it is not one. */
static long long form_number(struct req *r, const char *key)
{
    const char *s = req_form(r, key);
    if (!s || !*s)
        return -1;
    char *end;
    long long v = strtoll(s, &end, 10);
    return *end || v < 0 ? -2 : v;
}

void page_admin_provider_save(struct req *r)
{
    if (!admin_gate(r))
        return;
    const char *wire = req_form(r, "wire");
    struct ai_provider_input in = {
        .name = arena_strtrim(r->arena, req_form(r, "name") ? req_form(r, "name") : ""),
        .base_url = arena_strtrim(r->arena, req_form(r, "base_url") ? req_form(r, "base_url") : ""),
        .wire = wire && *wire ? wire : NULL,
        .is_active = req_form_bool(r, "is_active"),
    };
    int created;
    const char *field = NULL, *message = NULL;
    int rc = ai_provider_save(r, req_form(r, "code"), &in, &created, &field, &message);
    form_answer(r, rc, field ? arena_printf(r->arena, "provider_%s", field) : NULL, message);
}

void page_admin_model_save(struct req *r)
{
    if (!admin_gate(r))
        return;
    long long ctx = form_number(r, "context_window");
    const char *dn = req_form(r, "display_name");
    struct ai_model_input in = {
        .display_name = dn && *dn ? arena_strtrim(r->arena, dn) : NULL,
        .context_window = ctx == -1 ? 0 : ctx == -2 ? -2 : ctx,
        .is_active = req_form_bool(r, "is_active"),
        .input_price = req_form(r, "input_price") ? req_form(r, "input_price") : "",
        .output_price = req_form(r, "output_price") ? req_form(r, "output_price") : "",
    };
    int created;
    const char *field = NULL, *message = NULL;
    const char *code = req_form(r, "provider_code"), *ident = req_form(r, "model_identifier");
    int rc = ai_model_save(r, code ? code : "", ident ? ident : "", &in, &created, &field, &message);
    form_answer(r, rc, field ? arena_printf(r->arena, "model_%s", field) : NULL, message);
}

/* limits_form: the four limit fields; 0, or -1 when one is not a whole number. */
static int limits_form(struct req *r, struct ai_limits_input *in, const char **bad)
{
    static const char *const keys[] = {"requests_per_hour", "requests_per_day", "tokens_per_hour",
                                       "tokens_per_day"};
    long long *dst[] = {&in->requests_per_hour, &in->requests_per_day, &in->tokens_per_hour,
                        &in->tokens_per_day};
    for (int i = 0; i < 4; i++)
        if ((*dst[i] = form_number(r, keys[i])) == -2) {
            *bad = keys[i];
            return -1;
        }
    return 0;
}

void page_admin_limits_save(struct req *r)
{
    if (!admin_gate(r))
        return;
    struct ai_limits_input in = {.monthly_budget = req_form(r, "monthly_budget")};
    const char *field = NULL, *message = NULL;
    int rc = limits_form(r, &in, &field) == 0 ? ai_limits_save(r, NULL, &in, &field, &message)
                                              : (message = "A limit is a whole number of 0 or more (empty: none).",
                                                 AI_SAVE_INVALID);
    form_answer(r, rc, field ? arena_printf(r->arena, "limits_%s", field) : NULL, message);
}

void page_admin_user_limits_save(struct req *r)
{
    if (!admin_gate(r))
        return;
    struct ai_limits_input in = {0};
    const char *field = NULL, *message = NULL;
    int rc = limits_form(r, &in, &field) == 0 ? ai_limits_save(r, r->params[0], &in, &field, &message)
                                              : (message = "A limit is a whole number of 0 or more (empty: none).",
                                                 AI_SAVE_INVALID);
    form_answer(r, rc, field ? arena_printf(r->arena, "user_%s", field) : NULL, message);
}

/* ---- usage ----------------------------------------------------------------------------------- */

static const char *const usage_sql =
    "SELECT to_char(a.created_at, 'YYYY-MM-DD'), COALESCE(u.email, '(deleted account)'),"
    "       a.provider_code, a.model_identifier, count(*), sum(a.input_tokens), sum(a.output_tokens),"
    "       sum(a.cost)::text, bool_or(a.estimated)"
    "  FROM ai_usage a LEFT JOIN ai_admin_users() u ON u.id = a.user_id"
    " WHERE a.created_at >= (now() AT TIME ZONE 'UTC')::date - ($1::int - 1)"
    " GROUP BY 1, 2, 3, 4 ORDER BY 1 DESC, 2, 3, 4";

static const char *const daily_sql =
    "SELECT to_char(d, 'YYYY-MM-DD'), COALESCE(sum(a.cost), 0)::float8, COALESCE(sum(a.cost), 0)::text,"
    "       count(a.id), COALESCE(sum(a.input_tokens + a.output_tokens), 0)"
    "  FROM generate_series((now() AT TIME ZONE 'UTC')::date - ($1::int - 1),"
    "                       (now() AT TIME ZONE 'UTC')::date, interval '1 day') d"
    "  LEFT JOIN ai_usage a ON a.created_at >= d AND a.created_at < d + interval '1 day'"
    " GROUP BY d ORDER BY d";

/* usage_days: ?days= (1–366, default 30). */
static int usage_days(struct req *r, long long *days)
{
    if (req_query_int(r, "days", 1, 366, 30, days) == 0)
        return 0;
    page_error(r, 422, "Invalid period", "days is a whole number from 1 to 366.");
    return -1;
}

/* usage_chart: each day's cost as a bar (the day's requests and tokens in its tooltip). */
static const char *usage_chart(struct req *r, const PGresult *d)
{
    enum { W = 720, H = 200, PAD_L = 56, PAD_B = 24, PAD_T = 12 };
    int n = PQntuples(d);
    double max = 0;
    for (int i = 0; i < n; i++)
        if (strtod(db_val(d, i, 1), NULL) > max)
            max = strtod(db_val(d, i, 1), NULL);
    struct buf *b = buf_arena(r->arena);
    buf_printf(b, "<svg class=\"usage-chart\" viewBox=\"0 0 %d %d\" role=\"img\" "
                  "aria-label=\"Cost per day\" xmlns=\"http://www.w3.org/2000/svg\">", W, H);
    buf_printf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"axis\"/>", PAD_L, H - PAD_B, W,
               H - PAD_B);
    buf_printf(b, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">$%.4f</text>", PAD_L - 6,
               PAD_T + 4, max);
    buf_printf(b, "<text x=\"%d\" y=\"%d\" class=\"label\" text-anchor=\"end\">$0</text>", PAD_L - 6,
               H - PAD_B);
    double slot = n ? (double)(W - PAD_L) / n : 0, plot = H - PAD_B - PAD_T;
    for (int i = 0; i < n; i++) {
        double v = strtod(db_val(d, i, 1), NULL);
        double h = max > 0 ? v / max * plot : 0;
        buf_printf(b, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>",
                   PAD_L + i * slot + slot * 0.15, H - PAD_B - h, slot * 0.7, h);
        html_txt(b, arena_printf(r->arena, "%s: $%s, %s requests, %s tokens", db_val(d, i, 0),
                                 db_val(d, i, 2), db_val(d, i, 3), db_val(d, i, 4)));
        buf_puts(b, "</title></rect>");
        if (i == 0 || i == n - 1 || (n > 10 && i % (n / 5) == 0)) {
            buf_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"label\" text-anchor=\"middle\">",
                       PAD_L + i * slot + slot / 2, H - 6);
            html_txt(b, db_val(d, i, 0) + 5);       /* MM-DD */
            buf_puts(b, "</text>");
        }
    }
    buf_puts(b, "</svg>");
    return buf_cstr(b);
}

void page_admin_usage(struct req *r)
{
    long long days;
    if (!admin_gate(r) || usage_days(r, &days) != 0)
        return;
    const char *arg = arena_printf(r->arena, "%lld", days);
    PGresult *u = db_query(r, usage_sql, DB_ARGS(arg));
    PGresult *d = u ? db_query(r, daily_sql, DB_ARGS(arg)) : NULL;
    if (!d) {
        page_db_error(r);
        return;
    }
    static const char *const keys[] = {"day", "user", "provider_code", "model_identifier", "requests",
                                       "input_tokens", "output_tokens", "cost", "estimated"};
    json_t *rows = rows_json(u, keys, 9);
    flag(rows, "estimated");
    json_t *ctx = view_ctx(r);
    json_object_set_new(ctx, "rows", rows);
    json_object_set_new(ctx, "days", json_integer(days));
    json_object_set_new(ctx, "chart", json_string(usage_chart(r, d)));
    admin_tabs(r, ctx, "usage");
    view_render(r, 200, "admin_usage", ctx);
}

/* csv_cell: s as one CSV field: quoted when it holds a separator, quote or line break; a
 * leading = + - @ (a spreadsheet formula) defused with a quote character. */
static void csv_cell(struct buf *b, const char *s)
{
    int formula = strchr("=+-@\t\r", s[0]) && s[0];
    int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        buf_putc(b, '"');
    if (formula)
        buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '"')
            buf_putc(b, '"');
        buf_putc(b, *s);
    }
    if (quote)
        buf_putc(b, '"');
}

void page_admin_usage_csv(struct req *r)
{
    long long days;
    if (!admin_gate(r) || usage_days(r, &days) != 0)
        return;
    PGresult *u = db_query(r, usage_sql, DB_ARGS(arena_printf(r->arena, "%lld", days)));
    if (!u) {
        page_db_error(r);
        return;
    }
    struct buf *b = buf_arena(r->arena);
    buf_puts(b, "day,user,provider,model,requests,input_tokens,output_tokens,cost_usd,estimated\r\n");
    for (int i = 0; i < PQntuples(u); i++) {
        for (int c = 0; c < 8; c++) {
            csv_cell(b, db_val(u, i, c));
            buf_putc(b, ',');
        }
        buf_puts(b, db_bool(u, i, 8) ? "true\r\n" : "false\r\n");
    }
    resp_header(r, "Content-Disposition", "attachment; filename=\"ai-usage.csv\"");
    resp_text(r, 200, "text/csv; charset=utf-8", buf_cstr(b), b->len);
}
