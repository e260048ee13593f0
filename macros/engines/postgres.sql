{#-
    PostgreSQL versions of the project's dispatched macros (macros/cross_db.sql,
    macros/raw_sources.sql). Engines without a version here use the portable default__.
-#}

{#-
    PostgreSQL has no try_cast: each cast is guarded so that it cannot raise, and text that
    DuckDB would not convert gives null (the shapes are in macros/engines/text_parsing.sql).
    CASE evaluates its branches in order, so a cast only sees text its guard accepted.
-#}
{% macro postgres__try_cast(expr, data_type) -%}
    {%- set kind = lead_scoring.try_cast_kind(data_type) -%}
    {%- if kind == 'text' -%}
        cast({{ expr }} as {{ data_type }})
    {%- elif kind == 'double' -%}
        {{ lead_scoring.postgres__try_cast_double(expr, data_type) }}
    {%- elif kind == 'integer' -%}
        {%- set bounds = lead_scoring.integer_type_range(data_type) -%}
        case
            when {{ expr }} ~ '{{ lead_scoring.decimal_number_pattern() }}' then
                case
                    when round(cast({{ expr }} as numeric)) between {{ bounds[0] }} and {{ bounds[1] }}
                        then cast(round(cast({{ expr }} as numeric)) as {{ data_type }})
                end
        end
    {%- elif kind == 'boolean' -%}
        case
            when lower({{ expr }}) in {{ lead_scoring.boolean_words() }} then cast(lower({{ expr }}) as {{ data_type }})
        end
    {%- else -%}
        {{ lead_scoring.postgres__try_cast_datetime(expr, data_type, kind) }}
    {%- endif -%}
{%- endmacro %}

{#-
    A double from text. float8 input raises on overflow and on underflow to zero, so the value
    is range-checked as an exact numeric first: beyond the largest double it is +-infinity and
    below half the smallest subnormal it is 0, as DuckDB's parser rounds them.
-#}
{% macro postgres__try_cast_double(expr, data_type) -%}
    case
        when lower({{ expr }}) ~ '{{ lead_scoring.special_double_pattern() }}' then cast({{ expr }} as {{ data_type }})
        when {{ expr }} ~ '{{ lead_scoring.decimal_number_pattern() }}' then
            case
                when abs(cast({{ expr }} as numeric)) >= 1.7976931348623158e308
                    then sign(cast({{ expr }} as numeric)) * cast('Infinity' as {{ data_type }})
                when abs(cast({{ expr }} as numeric)) < 2.4703282292062328e-324
                    then cast(0 as {{ data_type }})
                else cast({{ expr }} as {{ data_type }})
            end
    end
{%- endmacro %}

{#-
    A timestamp or date from text: the text is matched once (a scalar subquery), every field is
    range-checked (including the length of the month), and the value is built from the fields
    with make_timestamp / make_date, which then cannot fail.
-#}
{% macro postgres__try_cast_datetime(expr, data_type, kind) -%}
    {%- set year = 'cast(parsed.fields[1] as integer)' -%}
    {%- set month = 'cast(parsed.fields[2] as integer)' -%}
    {%- set day = 'cast(parsed.fields[3] as integer)' -%}
    {%- set hour = 'coalesce(cast(parsed.fields[4] as integer), 0)' -%}
    {%- set minute = 'coalesce(cast(parsed.fields[5] as integer), 0)' -%}
    {%- set second = 'coalesce(cast(parsed.fields[6] as integer), 0)' -%}
    {%- set micros = "cast(rpad(substr(coalesce(parsed.fields[7], ''), 1, 6), 6, '0') as integer)" -%}
    (
        select
            case
                when
                    parsed.fields is not null
                    and {{ year }} >= 1
                    and {{ month }} between 1 and 12
                    and {{ day }} >= 1
                    and (
                        ({{ hour }} <= 23 and {{ minute }} <= 59 and {{ second }} <= 59)
                        or ({{ hour }} = 24 and {{ minute }} = 0 and {{ second }} = 0 and {{ micros }} = 0)
                    )
                    then
                        case
                            when {{ day }} <= extract(day from make_date({{ year }}, {{ month }}, 1) + interval '1 month' - interval '1 day')
                                then
                                {%- if kind == 'date' %}
                                    cast(make_date({{ year }}, {{ month }}, {{ day }}) as {{ data_type }})
                                {%- else %}
                                    cast(
                                        make_timestamp({{ year }}, {{ month }}, {{ day }}, 0, 0, 0)
                                        + ({{ hour }} * 3600 + {{ minute }} * 60 + {{ second }}) * interval '1 second'
                                        + {{ micros }} * interval '1 microsecond'
                                        as {{ data_type }}
                                    )
                                {%- endif %}
                        end
            end
        -- offset 0 keeps the planner from inlining regexp_match into every use of the fields
        from (select regexp_match({{ expr }}, '{{ lead_scoring.timestamp_text_pattern() }}') as fields offset 0) as parsed
    )
{%- endmacro %}

{#- The raw tables are server tables: check they exist with their columns before building. -#}
{% macro postgres__register_raw_sources() -%}
    {%- if execute -%}
        {%- set datestyle = run_query('show datestyle').columns[0].values()[0] -%}
        {%- if not (datestyle | upper).startswith('ISO') -%}
            {{ exceptions.raise_compiler_error(
                "PostgreSQL DateStyle is '" ~ datestyle ~ "'; the project needs ISO timestamps as text. "
                ~ "Set it for the dbt role or database, e.g. alter role " ~ target.user ~ " set datestyle = 'ISO, MDY'."
            ) }}
        {%- endif -%}
        {%- do lead_scoring.check_raw_tables() -%}
    {%- endif -%}
    select 1 as raw_tables_checked
{%- endmacro %}

{#- The yml files spell the 8-byte float `double`; PostgreSQL calls it `double precision`. -#}
{% macro postgres__engine_data_type(data_type) -%}
    {%- if data_type | trim | lower == 'double' -%}
        {{ return('double precision') }}
    {%- endif -%}
    {{ return(data_type) }}
{%- endmacro %}

{#- dbt's contract check and DDL, with the yml column types in PostgreSQL's spelling. -#}
{% macro postgres__get_empty_schema_sql(columns) -%}
    {{ return(dbt.default__get_empty_schema_sql(lead_scoring.columns_in_engine_types(columns))) }}
{%- endmacro %}

{% macro postgres__get_table_columns_and_constraints() -%}
    {{ return(lead_scoring.table_columns_and_constraints_in_engine_types()) }}
{%- endmacro %}

{% macro postgres__round_half_away_from_zero(expr, digits) -%}
    {{ lead_scoring.round_half_away_from_zero_by_floor(expr, digits) }}
{%- endmacro %}
