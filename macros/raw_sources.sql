{#-
    Make the raw tables of spec §2 readable as dbt sources (run as an on-run-start hook).

    On DuckDB the raw tables are files `<table>.parquet` (or `<table>.csv` with a header row)
    in the folder LEAD_SCORING_RAW_DIR; each becomes a view in the source's schema. A missing
    file, an empty file (0 bytes, or a header without rows) or a missing column stops the run
    with a message that names it. On a server warehouse the raw tables already exist, so the
    default does nothing.
-#}
{% macro register_raw_sources() -%}
    {{ return(adapter.dispatch('register_raw_sources', 'lead_scoring')()) }}
{%- endmacro %}

{% macro default__register_raw_sources() -%}
    select 1 as raw_tables_are_server_tables
{%- endmacro %}

{% macro duckdb__register_raw_sources() -%}
    {%- if execute -%}
        {%- set raw_dir = env_var('LEAD_SCORING_RAW_DIR', 'data/demo') | replace("'", "''") -%}
        {%- for source in graph.sources.values() | selectattr('source_name', 'equalto', 'raw') -%}
            {%- set reader = lead_scoring.raw_file_reader(raw_dir, source.identifier) -%}
            {%- do lead_scoring.check_raw_columns(reader, source) -%}
            {%- do run_query('create schema if not exists ' ~ source.schema) -%}
            {%- do run_query('create or replace view ' ~ source.schema ~ '.' ~ source.identifier ~ ' as select * from ' ~ reader) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as raw_files_registered
{%- endmacro %}

{#-
    The DuckDB table function that reads one raw table's file: <table>.parquet or <table>.csv.
    Both at once is an error: an old export left beside a new one in the other format would
    be read without a word.
-#}
{% macro raw_file_reader(raw_dir, table_name) -%}
    {%- set base = raw_dir ~ '/' ~ table_name -%}
    {%- set found = run_query(
        "select (select count(*) from glob('" ~ base ~ ".parquet')) as parquet_files, "
        ~ "(select count(*) from glob('" ~ base ~ ".csv')) as csv_files"
    ).rows[0] -%}
    {%- if found[0] > 0 and found[1] > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Two raw files for table '" ~ table_name ~ "': " ~ base ~ ".parquet and " ~ base
            ~ ".csv. Keep the current export and delete or move the other: which one is meant "
            ~ "cannot be guessed."
        ) }}
    {%- endif -%}
    {%- for extension, reader, files in [
        ('parquet', "read_parquet('" ~ base ~ ".parquet')", found[0]),
        ('csv', "read_csv('" ~ base ~ ".csv', header = true, all_varchar = true)", found[1]),
    ] -%}
        {%- if files > 0 -%}
            {%- do lead_scoring.check_raw_file_has_rows(base ~ '.' ~ extension, reader, table_name) -%}
            {{ return(reader) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        "Raw file missing: neither " ~ base ~ ".parquet nor " ~ base ~ ".csv exists. "
        ~ "Point LEAD_SCORING_RAW_DIR at the folder holding the five raw tables "
        ~ "(leads, accounts, events, sales_dispositions, opportunities), "
        ~ "or generate demo data with: python scripts/generate_demo_data.py --out " ~ raw_dir
    ) }}
{%- endmacro %}

{#-
    Fail with a readable message (not a reader's error) when a raw file is empty: 0 bytes, or a
    header (a Parquet schema) without a single row. An export that wrote nothing must not
    replace the warehouse with empty tables. Tables listed in the var raw_tables_allowed_empty
    (default: accounts, sales_dispositions, opportunities, which a young CRM may not have yet)
    may have no rows; a 0-byte file is never a valid table.
-#}
{% macro check_raw_file_has_rows(path, reader, table_name) -%}
    {%- set size = run_query("select size from read_blob('" ~ path ~ "')").columns[0].values()[0] -%}
    {%- if size == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw file empty: " ~ path ~ " has 0 bytes (raw table '" ~ table_name ~ "'). "
            ~ "The export that writes it probably failed; rerun it, then rerun the build."
        ) }}
    {%- endif -%}
    {%- set allowed = var('raw_tables_allowed_empty', ['accounts', 'sales_dispositions', 'opportunities']) -%}
    {%- if table_name not in allowed -%}
        {%- set has_rows = run_query('select 1 from ' ~ reader ~ ' limit 1').rows | length -%}
        {%- if has_rows == 0 -%}
            {{ exceptions.raise_compiler_error(
                "Raw file without rows: " ~ path ~ " has no data rows, only a header (raw table '"
                ~ table_name ~ "'). The export that writes it probably failed; rerun it, then rerun "
                ~ "the build. If the table may really be empty, add it to the var raw_tables_allowed_empty."
            ) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#-
    The freshness query of a raw table (`loaded_at_query` in _raw__sources.yml): the latest
    parseable `column` that is not in the future. Timestamps are cleaned as staging cleans them,
    so a CSV's text column works and a dirty or future-stamped row cannot make stale data look
    fresh.
-#}
{% macro raw_loaded_at_query(relation, column) -%}
    select max(loaded_at) as max_loaded_at
    from (
        select {{ lead_scoring.clean_timestamp(column) }} as loaded_at
        from {{ relation }}
    ) as stamped
    where loaded_at <= cast({{ dbt.current_timestamp() }} as {{ dbt.type_timestamp() }})
{%- endmacro %}

{#- Fail with a readable message when a raw file lacks a column the source declares. -#}
{% macro check_raw_columns(reader, source) -%}
    {%- set described = run_query('describe select * from ' ~ reader) -%}
    {%- set found = described.columns[0].values() | map('lower') | list -%}
    {%- set missing = source.columns.keys() | reject('in', found) | list -%}
    {%- if missing | length > 1 and found | length == 1 and reader.startswith('read_csv(') -%}
        {#- one column named like the whole header: the reader could not split the rows into
            columns, usually because a row near the top has more fields than the header (an
            unquoted comma in a value), so "lacks column(s)" would be the wrong advice -#}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ source.identifier ~ "' (" ~ reader ~ ") could not be split into "
            ~ "columns: the whole header '" ~ found[0] ~ "' came out as one column. A row near "
            ~ "the top probably has more or fewer fields than the header (a value with an "
            ~ "unquoted comma, such as VP, Engineering?): quote that value or fix the row, and "
            ~ "rerun. To find the row, read the file with the comma named: "
            ~ "duckdb -c \"select * from read_csv('<file>', delim = ',', header = true)\"."
        ) }}
    {%- endif -%}
    {%- if missing | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ source.identifier ~ "' (" ~ reader ~ ") lacks column(s): " ~ missing | join(', ')
            ~ ". It has: " ~ found | join(', ') ~ ". Rename or add the column(s) in the raw file; "
            ~ "the expected layout is in models/staging/_raw__sources.yml."
        ) }}
    {%- endif -%}
{%- endmacro %}
