{#-
    Spark versions of the project's dispatched macros (macros/cross_db.sql,
    macros/raw_sources.sql). They use Spark 3.3+ SQL and do not depend on ANSI mode.
-#}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{#- Microseconds since the epoch as a double, divided like DuckDB's epoch(). -#}
{% macro spark__epoch_seconds(timestamp_expr) -%}
    (cast(unix_micros({{ timestamp_expr }}) as double) / 1000000)
{%- endmacro %}

{#-
    try_cast behind the same guards as on PostgreSQL (macros/engines/text_parsing.sql): Spark's
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

{#- Spark's split() takes a regular expression: quote the delimiter. Null past the last part. -#}
{% macro spark__nth_split_part(string_text, delimiter_text, part_number) -%}
    try_element_at(split({{ string_text }}, concat('\\Q', {{ delimiter_text }}, '\\E')), cast({{ part_number }} as int))
{%- endmacro %}

{#- dbt's spark__listagg ignores the order; sort (key, value) pairs instead. -#}
{% macro spark__ordered_listagg(measure, delimiter_text, order_by_expr) -%}
    case
        when count({{ measure }}) > 0 then
            array_join(
                transform(
                    array_sort(collect_list(named_struct('sort_key', {{ order_by_expr }}, 'value', {{ measure }}))),
                    entry -> entry.value
                ),
                {{ delimiter_text }}
            )
    end
{%- endmacro %}

{% macro spark__round_half_away_from_zero(expr, digits) -%}
    {{ lead_scoring.round_half_away_from_zero_by_floor(expr, digits) }}
{%- endmacro %}

{#- The raw tables are metastore tables: check they exist with their columns before building. -#}
{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- do lead_scoring.check_raw_tables() -%}
    {%- endif -%}
    select 1 as raw_tables_checked
{%- endmacro %}

{#- Spark has no unbounded varchar: the yml files' `varchar` is Spark's `string`. -#}
{% macro spark__engine_data_type(data_type) -%}
    {%- if data_type | trim | lower == 'varchar' -%}
        {{ return('string') }}
    {%- endif -%}
    {{ return(data_type) }}
{%- endmacro %}

{#- dbt's contract check, with the yml column types in Spark's spelling. -#}
{% macro spark__get_empty_schema_sql(columns) -%}
    {{ return(dbt.default__get_empty_schema_sql(lead_scoring.columns_in_engine_types(columns))) }}
{%- endmacro %}

{#-
    dbt-spark's seed loader with the values written as SQL literals. Its own version passes them
    as bindings, which the session method pastes into the SQL unescaped, turning empty cells into
    the text 'None' and breaking on an apostrophe in a rule's description.
-#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set batch_size = get_batch_size() -%}
    {%- set column_override = model['config'].get('column_types', {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(batch_size) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for col_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set type = column_override.get(col_name, inferred_type) -%}
                    cast({{ lead_scoring.spark_literal(row[loop.index0]) }} as {{ type }})
                    {%- if not loop.last %}, {% endif -%}
                {%- endfor -%}
                )
                {%- if not loop.last %},{% endif %}
            {% endfor -%}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.index0 == 0 -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}

{#- A Python value (from a seed file) as a Spark SQL literal. -#}
{% macro spark_literal(value) -%}
    {%- if value is none -%}
        null
    {%- elif value is sameas true or value is sameas false -%}
        {{ 'true' if value else 'false' }}
    {%- elif value is number -%}
        {{ value }}
    {%- else -%}
        '{{ (value | string).replace('\\', '\\\\').replace("'", "\\'") }}'
    {%- endif -%}
{%- endmacro %}

{#-
    dbt-spark adds NOT NULL constraints to a contracted table whenever file_format is unset, as if
    it were Delta; plain Spark tables (Parquet, the default here) cannot take them. Persist
    constraints only for an explicit Delta table (data tests check not_null either way).
-#}
{% macro spark__persist_constraints(relation, model) %}
    {%- set contract_config = config.get('contract') -%}
    {%- if contract_config.enforced and config.get('file_format') == 'delta' -%}
        {%- do alter_table_add_constraints(relation, model.constraints) -%}
        {%- do alter_column_set_constraints(relation, model.columns) -%}
    {%- endif -%}
{% endmacro %}

{#-
    ordered_sum (macros/ordered_sum.sql): Spark has no ordered aggregates, so the values are
    collected with their sort keys, sorted, and added one by one in that order, as DuckDB's and
    PostgreSQL's sum(... order by ...) do. `order_by` is a comma-separated list of columns.
-#}
{% macro spark__ordered_sum(expr, order_by) -%}
    {%- set fields = [] -%}
    {%- for key in order_by.split(',') -%}
        {%- do fields.append("'k" ~ loop.index ~ "', " ~ key | trim) -%}
    {%- endfor -%}
    case
        when count({{ expr }}) > 0 then
            aggregate(
                array_sort(collect_list(named_struct({{ fields | join(', ') }}, 'value', {{ expr }}))),
                cast(0 as double),
                (total, entry) -> total + coalesce(entry.value, cast(0 as double))
            )
    end
{%- endmacro %}
