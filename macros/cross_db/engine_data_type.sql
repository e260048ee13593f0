{#-
    A contract or seed column type as the engine spells it. The yml files use DuckDB's names
    (varchar, double, bigint, integer, boolean, timestamp, date); engines that spell one
    differently translate it (their versions below).
-#}
{% macro engine_data_type(data_type) -%}
    {{ return(adapter.dispatch('engine_data_type', 'lead_scoring')(data_type)) }}
{%- endmacro %}

{% macro default__engine_data_type(data_type) -%}
    {{ return(data_type) }}
{%- endmacro %}

{#- The yml files spell the 8-byte float `double`; PostgreSQL calls it `double precision`. -#}
{% macro postgres__engine_data_type(data_type) -%}
    {%- if data_type | trim | lower == 'double' -%}
        {{ return('double precision') }}
    {%- endif -%}
    {{ return(data_type) }}
{%- endmacro %}

{#- Spark has no unbounded varchar: the yml files' `varchar` is Spark's `string`. -#}
{% macro spark__engine_data_type(data_type) -%}
    {%- if data_type | trim | lower == 'varchar' -%}
        {{ return('string') }}
    {%- endif -%}
    {{ return(data_type) }}
{%- endmacro %}

{#- A model's yml columns with each data_type translated by engine_data_type(). -#}
{% macro columns_in_engine_types(columns) -%}
    {%- set translated = {} -%}
    {%- for name, column in columns.items() -%}
        {%- if column.get('data_type') is not none -%}
            {%- do translated.update({name: dict(column, data_type=lead_scoring.engine_data_type(column['data_type']))}) -%}
        {%- else -%}
            {%- do translated.update({name: column}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(translated) }}
{%- endmacro %}
