/* fixture_shop.h — the shop model shared by the exporter, SVG and round-trip tests: eight
 * tables covering composite keys, enums, reserved names, odd characters, one-to-one,
 * one-to-many, many-to-many, dangling and hostile relationships.  Relationships run as ERD
 * Builder Pro stores them: source = the table holding the foreign key, target = the one it
 * references.  Included by one test
 * file each (static definitions). */
#ifndef CARD_FIXTURE_SHOP_H
#define CARD_FIXTURE_SHOP_H
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *SHOP =
"{`uid`:`u1`,`_version`:3,`name`:`Shop`,`viewport`:{`x`:0,`y`:0,`zoom`:1},"
"`entities`:["
" {`id`:`e_users`,`name`:`users`,`x`:40,`y`:40,`color`:`#6366f1`,`comment`:`People who buy`,`columns`:["
"  {`id`:`c_u_id`,`name`:`id`,`type`:`bigserial`,`is_pk`:true,`is_nullable`:false,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_u_email`,`name`:`email`,`type`:`varchar(160)`,`is_pk`:false,`is_nullable`:false,`is_unique`:true,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_u_name`,`name`:`name`,`type`:`text`,`is_pk`:false,`is_nullable`:true,`is_unique`:false,`default`:null,`comment`:`Full name, it's shown`,`enum_values`:[]},"
"  {`id`:`c_u_admin`,`name`:`is_admin`,`type`:`boolean`,`is_pk`:false,`is_nullable`:false,`is_unique`:false,`default`:`false`,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_u_created`,`name`:`created_at`,`type`:`timestamptz`,`is_pk`:false,`is_nullable`:false,`is_unique`:false,`default`:`now()`,`comment`:null,`enum_values`:[]}]},"
" {`id`:`e_items`,`name`:`order_items`,`x`:700,`y`:40,`color`:`#10b981`,`comment`:null,`columns`:["
"  {`id`:`c_i_order`,`name`:`order_id`,`type`:`integer`,`is_pk`:true,`is_nullable`:false,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_i_product`,`name`:`product_id`,`type`:`uuid`,`is_pk`:true,`is_nullable`:false,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_i_qty`,`name`:`qty`,`type`:`int4`,`is_pk`:false,`is_nullable`:false,`is_unique`:false,`default`:`1`,`comment`:null,`enum_values`:[]}]},"
" {`id`:`e_order`,`name`:`order`,`x`:380,`y`:40,`color`:`#f59e0b`,`comment`:null,`columns`:["
"  {`id`:`c_o_id`,`name`:`id`,`type`:`serial`,`is_pk`:true,`is_nullable`:false,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_o_user`,`name`:`user_id`,`type`:`bigint`,`is_pk`:false,`is_nullable`:false,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_o_status`,`name`:`status`,`type`:`order_status`,`is_pk`:false,`is_nullable`:false,`is_unique`:false,`default`:`'new'`,`comment`:null,`enum_values`:[`new`,`paid`,`it's`]},"
"  {`id`:`c_o_total`,`name`:`total`,`type`:`numeric(10,2)`,`is_pk`:false,`is_nullable`:true,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_o_odd`,`name`:`we\\`ird`,`type`:`text`,`is_pk`:false,`is_nullable`:true,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]}]},"
" {`id`:`e_products`,`name`:`products`,`x`:700,`y`:300,`color`:`#ef4444`,`comment`:null,`columns`:["
"  {`id`:`c_p_id`,`name`:`id`,`type`:`uuid`,`is_pk`:true,`is_nullable`:false,`is_unique`:false,`default`:`gen_random_uuid()`,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_p_tags`,`name`:`labels`,`type`:`text[]`,`is_pk`:false,`is_nullable`:true,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_p_data`,`name`:`data`,`type`:`jsonb`,`is_pk`:false,`is_nullable`:true,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_p_photo`,`name`:`photo`,`type`:`bytea`,`is_pk`:false,`is_nullable`:true,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_p_price`,`name`:`price`,`type`:`double precision`,`is_pk`:false,`is_nullable`:true,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_p_stock`,`name`:`stock`,`type`:`int unsigned`,`is_pk`:false,`is_nullable`:true,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_p_added`,`name`:`added`,`type`:`datetime`,`is_pk`:false,`is_nullable`:true,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]}]},"
" {`id`:`e_tags`,`name`:`tags`,`x`:1000,`y`:300,`color`:`#6366f1`,`comment`:null,`columns`:["
"  {`id`:`c_t_id`,`name`:`id`,`type`:`serial`,`is_pk`:true,`is_nullable`:false,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_t_name`,`name`:`name`,`type`:`varchar(40)`,`is_pk`:false,`is_nullable`:false,`is_unique`:true,`default`:null,`comment`:null,`enum_values`:[]}]},"
" {`id`:`e_a`,`name`:`team`,`x`:40,`y`:400,`color`:`#6366f1`,`comment`:null,`columns`:["
"  {`id`:`c_a_id`,`name`:`id`,`type`:`integer`,`is_pk`:true,`is_nullable`:false,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_a_lead`,`name`:`lead_id`,`type`:`integer`,`is_pk`:false,`is_nullable`:true,`is_unique`:true,`default`:null,`comment`:null,`enum_values`:[]}]},"
" {`id`:`e_b`,`name`:`member`,`x`:380,`y`:400,`color`:`#6366f1`,`comment`:null,`columns`:["
"  {`id`:`c_b_id`,`name`:`id`,`type`:`integer`,`is_pk`:true,`is_nullable`:false,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]},"
"  {`id`:`c_b_team`,`name`:`team_id`,`type`:`integer`,`is_pk`:false,`is_nullable`:true,`is_unique`:false,`default`:null,`comment`:null,`enum_values`:[]}]}"
"],"
"`relationships`:["
" {`id`:`r1`,`source_entity_id`:`e_order`,`target_entity_id`:`e_users`,`source_column_id`:`c_o_user`,`target_column_id`:`c_u_id`,`type`:`one-to-many`,`label`:`1:N`,`constraint_name`:`places`,`on_delete`:null,`on_update`:null},"
" {`id`:`r2`,`source_entity_id`:`e_items`,`target_entity_id`:`e_order`,`source_column_id`:`c_i_order`,`target_column_id`:`c_o_id`,`type`:`one-to-many`,`label`:`has items`,`constraint_name`:`has items`,`on_delete`:`CASCADE`,`on_update`:null},"
" {`id`:`r3`,`source_entity_id`:`e_items`,`target_entity_id`:`e_products`,`source_column_id`:`c_i_product`,`target_column_id`:`c_p_id`,`type`:`one-to-many`,`label`:null,`on_delete`:`restrict`,`on_update`:`cascade`},"
" {`id`:`r4`,`source_entity_id`:`e_tags`,`target_entity_id`:`e_products`,`source_column_id`:null,`target_column_id`:null,`type`:`many-to-many`,`label`:`tagged`,`constraint_name`:`tagged`,`on_delete`:null,`on_update`:null},"
" {`id`:`r5`,`source_entity_id`:`e_nowhere`,`target_entity_id`:`e_team`,`source_column_id`:null,`target_column_id`:null,`type`:`one-to-many`,`label`:null,`on_delete`:null,`on_update`:null},"
" {`id`:`r6`,`source_entity_id`:`e_a`,`target_entity_id`:`e_b`,`source_column_id`:`c_a_lead`,`target_column_id`:`c_b_id`,`type`:`one-to-one`,`label`:`led by`,`on_delete`:`SET NULL`,`on_update`:null},"
" {`id`:`r7`,`source_entity_id`:`e_b`,`target_entity_id`:`e_a`,`source_column_id`:null,`target_column_id`:null,`type`:`one-to-many`,`label`:`DROP TABLE x;`,`constraint_name`:`DROP TABLE x;`,`on_delete`:`; DROP`,`on_update`:null},"
" {`id`:`r8`,`source_entity_id`:`e_users`,`target_entity_id`:`e_tags`,`source_column_id`:null,`target_column_id`:null,`type`:`one-to-many`,`label`:null,`on_delete`:null,`on_update`:null}"
"]}";

/* load: parse JSON written with ` for " (so the fixtures stay readable). */
static inline json_t *load(const char *text)
{
    char *s = strdup(text);
    for (char *p = s; *p; p++)
        if (*p == '`')
            *p = '"';
    json_error_t e;
    json_t *m = json_loads(s, 0, &e);
    ck_assert_msg(m != NULL, "fixture: %s at %d", e.text, e.column);
    free(s);
    return m;
}
#endif
