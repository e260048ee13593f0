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

{#-
    PostgreSQL has no try_cast: each cast is guarded so that it cannot raise, and text that
    DuckDB would not convert gives null (the shapes are in macros/cross_db/try_cast_text_patterns.sql).
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

{#-
    try_cast behind the same guards as on PostgreSQL (macros/cross_db/try_cast_text_patterns.sql): Spark's
    own casts accept more than DuckDB's ('12d' as a double, '2026' as a date) and apply time
    zone offsets that DuckDB ignores.
-#}
{% macro spark__try_cast(expr, data_type) -%}
    {%- set kind = lead_scoring.try_cast_kind(data_type) -%}
    {%- if kind == 'text' -%}
        cast({{ expr }} as {{ data_type }})
    {%- elif kind == 'double' -%}
        case
            when
                lower({{ expr }}) rlike '{{ lead_scoring.special_double_pattern() }}'
                or {{ expr }} rlike '{{ lead_scoring.decimal_number_pattern() }}'
                then try_cast({{ expr }} as {{ data_type }})
        end
    {%- elif kind == 'integer' -%}
        {#- DuckDB rounds a decimal number half away from zero, as Spark's round() on a decimal. -#}
        case
            when {{ expr }} rlike '{{ lead_scoring.decimal_number_pattern() }}'
                then try_cast(round(try_cast({{ expr }} as decimal(38, 18)), 0) as {{ data_type }})
        end
    {%- elif kind == 'boolean' -%}
        case
            when lower({{ expr }}) in {{ lead_scoring.boolean_words() }} then try_cast(lower({{ expr }}) as {{ data_type }})
        end
    {%- else -%}
        {{ lead_scoring.spark__try_cast_datetime(expr, data_type, kind) }}
    {%- endif -%}
{%- endmacro %}

{#-
    A timestamp or date from text: the fields are rebuilt as 'yyyy-MM-dd HH:mm:ss.SSSSSS' (no
    zone, so none is applied) and cast with try_cast, which yields null for an invalid date or
    time; '24:00:00' becomes the next midnight.
-#}
{% macro spark__try_cast_datetime(expr, data_type, kind) -%}
    {%- set pattern = lead_scoring.timestamp_text_pattern() -%}
    {%- set fields = [] -%}
    {%- for group in range(1, 8) -%}
        {%- do fields.append("regexp_extract(" ~ expr ~ ", '" ~ pattern ~ "', " ~ group ~ ")") -%}
    {%- endfor -%}
    {%- set two_digits = [] -%}
    {%- for field in fields[1:6] -%}
        {%- do two_digits.append("lpad(coalesce(nullif(" ~ field ~ ", ''), '0'), 2, '0')") -%}
    {%- endfor -%}
    {%- set micros = "rpad(substr(" ~ fields[6] ~ ", 1, 6), 6, '0')" -%}
    {%- set date_text = "concat(" ~ fields[0] ~ ", '-', " ~ two_digits[0] ~ ", '-', " ~ two_digits[1] ~ ")" -%}
    {%- set timestamp_text = "concat(" ~ date_text ~ ", ' ', " ~ two_digits[2] ~ ", ':', " ~ two_digits[3]
        ~ ", ':', " ~ two_digits[4] ~ ", '.', " ~ micros ~ ")" -%}
    {%- set is_24_hours = "(" ~ two_digits[2] ~ " = '24' and " ~ two_digits[3] ~ " = '00' and "
        ~ two_digits[4] ~ " = '00' and " ~ micros ~ " = '000000')" -%}
    case
        when {{ expr }} rlike '{{ pattern }}' and {{ fields[0] }} <> '0000' then
            case
            {%- if kind == 'date' %}
                when {{ is_24_hours }} or try_cast({{ timestamp_text }} as timestamp) is not null
                    then try_cast({{ date_text }} as {{ data_type }})
            {%- else %}
                when {{ is_24_hours }} then try_cast({{ date_text }} as {{ data_type }}) + interval 1 day
                else try_cast({{ timestamp_text }} as {{ data_type }})
            {%- endif %}
            end
    end
{%- endmacro %}
