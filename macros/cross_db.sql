{#- Engine-specific expressions, each behind adapter.dispatch with a portable default. -#}

{#- Seconds since the Unix epoch, as a double, fractional seconds kept. -#}
{% macro epoch_seconds(timestamp_expr) -%}
    {{ return(adapter.dispatch('epoch_seconds', 'lead_scoring')(timestamp_expr)) }}
{%- endmacro %}

{% macro default__epoch_seconds(timestamp_expr) -%}
    cast(extract(epoch from {{ timestamp_expr }}) as {{ type_double() }})
{%- endmacro %}

{% macro duckdb__epoch_seconds(timestamp_expr) -%}
    epoch({{ timestamp_expr }})
{%- endmacro %}

{#- A cast that yields null instead of failing on a value that does not convert. -#}
{% macro try_cast(expr, data_type) -%}
    {{ return(adapter.dispatch('try_cast', 'lead_scoring')(expr, data_type)) }}
{%- endmacro %}

{% macro default__try_cast(expr, data_type) -%}
    {{ dbt.safe_cast(expr, data_type) }}
{%- endmacro %}

{% macro duckdb__try_cast(expr, data_type) -%}
    try_cast({{ expr }} as {{ data_type }})
{%- endmacro %}

{#- Median of a numeric column (an aggregate). -#}
{% macro median(expr) -%}
    {{ return(adapter.dispatch('median', 'lead_scoring')(expr)) }}
{%- endmacro %}

{% macro default__median(expr) -%}
    percentile_cont(0.5) within group (order by {{ expr }})
{%- endmacro %}

{% macro duckdb__median(expr) -%}
    median({{ expr }})
{%- endmacro %}

{#- An 8-byte floating-point type for scores and amounts (type_double() is 4 bytes on some engines). -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{#-
    The `part_number`-th (1-based) item of `string_text` split on `delimiter_text`, where
    `part_number` may be a column (dbt.split_part needs a literal number on some engines).
-#}
{% macro nth_split_part(string_text, delimiter_text, part_number) -%}
    {{ return(adapter.dispatch('nth_split_part', 'lead_scoring')(string_text, delimiter_text, part_number)) }}
{%- endmacro %}

{% macro default__nth_split_part(string_text, delimiter_text, part_number) -%}
    split_part({{ string_text }}, {{ delimiter_text }}, cast({{ part_number }} as {{ dbt.type_int() }}))
{%- endmacro %}

{% macro duckdb__nth_split_part(string_text, delimiter_text, part_number) -%}
    {{ dbt.split_part(string_text, delimiter_text, part_number) }}
{%- endmacro %}

{#- Text values of a group joined by a delimiter in the order of `order_by_expr` (an aggregate). -#}
{% macro ordered_listagg(measure, delimiter_text, order_by_expr) -%}
    {{ return(adapter.dispatch('ordered_listagg', 'lead_scoring')(measure, delimiter_text, order_by_expr)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter_text, order_by_expr) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ order_by_expr) }}
{%- endmacro %}

{#-
    A contract or seed column type as the engine spells it. The yml files use DuckDB's names
    (varchar, double, bigint, integer, boolean, timestamp, date); engines that spell one
    differently translate it (macros/engines/).
-#}
{% macro engine_data_type(data_type) -%}
    {{ return(adapter.dispatch('engine_data_type', 'lead_scoring')(data_type)) }}
{%- endmacro %}

{% macro default__engine_data_type(data_type) -%}
    {{ return(data_type) }}
{%- endmacro %}

{#- A double rounded to `digits` decimals, halves away from zero (DuckDB's round). -#}
{% macro round_half_away_from_zero(expr, digits) -%}
    {{ return(adapter.dispatch('round_half_away_from_zero', 'lead_scoring')(expr, digits)) }}
{%- endmacro %}

{% macro default__round_half_away_from_zero(expr, digits) -%}
    round({{ expr }}, {{ digits }})
{%- endmacro %}

{#-
    A 64-bit hash of one or more columns, to group by one number instead of the columns; none on
    engines without a cheap one (callers then group by the columns). Equal values hash equal.
-#}
{% macro key_hash(columns) -%}
    {{ return(adapter.dispatch('key_hash', 'lead_scoring')(columns)) }}
{%- endmacro %}

{% macro default__key_hash(columns) -%}
    {{ return(none) }}
{%- endmacro %}

{% macro duckdb__key_hash(columns) -%}
    {{ return('hash(' ~ columns | join(', ') ~ ')') }}
{%- endmacro %}

{% macro spark__key_hash(columns) -%}
    {{ return('xxhash64(' ~ columns | join(', ') ~ ')') }}
{%- endmacro %}
