{#-
    Make the raw tables of spec §2 readable as dbt sources (run as an on-run-start hook).

    On DuckDB the raw tables are in the folder LEAD_SCORING_RAW_DIR, each one file or a folder
    of parts (raw_table_layouts); each becomes a view in the source's schema. A missing table,
    an empty file (0 bytes, or a header without rows), a CSV line that does not split into the
    header's columns or a missing column stops the run with a message that names it. On a
    server warehouse the raw tables already exist, so the default does nothing.
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
            {%- set path, file_format = lead_scoring.raw_table_path(raw_dir, source.identifier) -%}
            {%- set reader = lead_scoring.raw_file_reader(path, file_format, source.identifier) -%}
            {%- do lead_scoring.check_raw_columns(reader, path, source) -%}
            {%- do run_query('create schema if not exists ' ~ source.schema) -%}
            {%- do run_query(
                'create or replace view ' ~ source.schema ~ '.' ~ source.identifier
                ~ ' as select * from ' ~ reader
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    select 1 as raw_files_registered
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

{#- The raw tables are metastore tables: check they exist with their columns before building. -#}
{% macro spark__register_raw_sources() -%}
    {%- if execute -%}
        {%- do lead_scoring.check_raw_tables() -%}
    {%- endif -%}
    select 1 as raw_tables_checked
{%- endmacro %}

{#-
    Stop the run with a readable message when a raw table of the `raw` source, or one of its
    columns, is missing on a server warehouse (the counterpart of DuckDB's missing-file check).
-#}
{% macro check_raw_tables() -%}
    {%- for source in graph.sources.values() | selectattr('source_name', 'equalto', 'raw') -%}
        {%- set relation = adapter.get_relation(
            database=source.database, schema=source.schema, identifier=source.identifier
        ) -%}
        {%- if relation is none -%}
            {{ exceptions.raise_compiler_error(
                "Raw table missing: " ~ source.schema ~ "." ~ source.identifier ~ " does not exist on the "
                ~ target.name ~ " target. Load the raw files with: python -m lead_scoring.load_raw_tables "
                ~ "--raw-dir <folder> --target " ~ target.type ~ " --schema " ~ source.schema
            ) }}
        {%- endif -%}
        {%- set found = adapter.get_columns_in_relation(relation) | map(attribute='name') | map('lower') | list -%}
        {%- set missing = source.columns.keys() | reject('in', found) | list -%}
        {%- if missing | length > 0 -%}
            {{ exceptions.raise_compiler_error(
                "Raw table '" ~ source.identifier ~ "' (" ~ relation ~ ") lacks column(s): " ~ missing | join(', ')
                ~ ". It has: " ~ found | join(', ') ~ ". The expected layout is in models/staging/_raw__sources.yml."
            ) }}
        {%- endif -%}
    {%- endfor -%}
{%- endmacro %}

{#-
    The layouts a raw table may be in, as (path pattern relative to the raw folder, format): one
    file, or a folder named like the table whose parts (the files directly in it, all of one
    kind) together are the table, as Spark, pyarrow datasets or a per-thread DuckDB COPY write
    them; markers beside the parts (_SUCCESS, .crc checksums) are not read. scripts/raw_files.py
    lists the same layouts for the scripts.
-#}
{% macro raw_table_layouts(table_name) -%}
    {{ return([
        (table_name ~ '.parquet', 'parquet'),
        (table_name ~ '.csv', 'csv'),
        (table_name ~ '.csv.gz', 'csv'),
        (table_name ~ '/*.parquet', 'parquet'),
        (table_name ~ '/*.csv', 'csv'),
        (table_name ~ '/*.csv.gz', 'csv'),
    ]) }}
{%- endmacro %}

{#-
    Where one raw table is: (the path of its file, or the pattern of its folder's parts; its
    format). Two layouts at once is an error: an old export left beside a new one in another
    format would be read without a word.
-#}
{% macro raw_table_path(raw_dir, table_name) -%}
    {%- set layouts = lead_scoring.raw_table_layouts(table_name) -%}
    {%- set counts = [] -%}
    {%- for pattern, file_format in layouts -%}
        {%- do counts.append("(select count(*) from glob('" ~ raw_dir ~ "/" ~ pattern ~ "'))") -%}
    {%- endfor -%}
    {%- set found = run_query('select ' ~ counts | join(', ')).rows[0] -%}
    {%- set present = [] -%}
    {%- for pattern, file_format in layouts -%}
        {%- if found[loop.index0] > 0 -%}
            {%- do present.append((raw_dir ~ '/' ~ pattern, file_format, found[loop.index0])) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if present | length > 1 -%}
        {%- set listed = [] -%}
        {%- for path, file_format, files in present -%}
            {%- set counted = ' (' ~ files ~ (' file)' if files == 1 else ' files)') -%}
            {%- do listed.append(path ~ (counted if '*' in path else '')) -%}
        {%- endfor -%}
        {{ exceptions.raise_compiler_error(
            "More than one raw file for table '" ~ table_name ~ "': " ~ listed[:-1] | join(', ')
            ~ " and " ~ listed[-1] ~ ". Keep only the current export there (delete or move the "
            ~ "rest): which one is meant cannot be guessed."
        ) }}
    {%- endif -%}
    {%- if present | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw file missing for table '" ~ table_name ~ "': " ~ raw_dir ~ " has none of "
            ~ layouts | map(attribute=0) | join(', ') ~ ". Point LEAD_SCORING_RAW_DIR at the "
            ~ "folder holding the five raw tables (leads, accounts, events, sales_dispositions, "
            ~ "opportunities). To try the project on demo data instead, run lead-scoring run "
            ~ "without LEAD_SCORING_RAW_DIR or --raw-dir: it generates them in data/demo."
        ) }}
    {%- endif -%}
    {{ return(present[0][:2]) }}
{%- endmacro %}

{#-
    The DuckDB table function that reads one raw table at `path` (raw_table_path: its file, or
    every part of its folder at once), once its files have passed the checks below.
-#}
{% macro raw_file_reader(path, file_format, table_name) -%}
    {%- do lead_scoring.check_raw_files_have_bytes(path, table_name) -%}
    {%- if file_format == 'parquet' -%}
        {%- set reader = "read_parquet('" ~ path ~ "')" -%}
    {%- else -%}
        {%- set dialect = lead_scoring.raw_csv_dialect(path) -%}
        {%- do lead_scoring.check_raw_csv_lines(path, dialect, table_name) -%}
        {%- set reader = lead_scoring.raw_csv_reader(path, dialect) -%}
    {%- endif -%}
    {%- do lead_scoring.check_raw_file_has_rows(path, reader, table_name) -%}
    {{ return(reader) }}
{%- endmacro %}

{#- read_csv of raw CSV text (a header row, every column as text) with the given options. -#}
{% macro raw_csv_reader(path, options) -%}
    {{ return("read_csv('" ~ path ~ "', " ~ (['header = true', 'all_varchar = true'] + options) | join(', ') ~ ")") }}
{%- endmacro %}

{#-
    The reader options that pin the CSV dialect (delimiter, quote, escape, comment marker, lines
    before the header) a tolerant sniff of the first file finds. Left to itself, the reader
    sniffs strictly: a line that does not fit anywhere in its sample makes it give up with its
    own error, and a quote it did not see in the sample is not a quote to it. Pinned, the line
    check and the view read every line the same way, and a quote or escape the sample did not
    show is the '"' of RFC 4180, which exporters write: a value quoted after the sample (a
    company name with a comma) is one value.
-#}
{% macro raw_csv_dialect(path) -%}
    {%- set first_file = run_query("select min(file) from glob('" ~ path ~ "')").rows[0][0] -%}
    {%- set sniffed = run_query(
        "select Delimiter, Quote, Escape, Comment, SkipRows from sniff_csv('"
        ~ first_file | replace("'", "''") ~ "', ignore_errors = true)"
    ).rows[0] -%}
    {%- set options = [] -%}
    {%- for name, unseen in [('delim', ','), ('quote', '"'), ('escape', '"'), ('comment', '')] -%}
        {%- set text = unseen if sniffed[loop.index0] == '(empty)' else sniffed[loop.index0] -%}
        {%- do options.append(name ~ " = '" ~ text | replace("'", "''") ~ "'") -%}
    {%- endfor -%}
    {%- do options.append('skip = ' ~ sniffed[4]) -%}
    {{ return(options) }}
{%- endmacro %}

{#-
    Fail with a readable message (not a reader's error) when a raw file, or one part of a folder,
    has 0 bytes: an export that wrote nothing must not replace the warehouse with empty tables,
    and a 0-byte file is never a valid table.
-#}
{% macro check_raw_files_have_bytes(path, table_name) -%}
    {%- set empty = run_query(
        "select filename from read_blob('" ~ path ~ "') where size = 0 order by filename limit 1"
    ).rows -%}
    {%- if empty | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw file empty: " ~ empty[0][0] ~ " has 0 bytes (raw table '" ~ table_name ~ "'). "
            ~ "The export that writes it probably failed; rerun it, then rerun the build."
        ) }}
    {%- endif -%}
{%- endmacro %}

{#-
    Fail naming the file and the line when a raw CSV has a line that does not split into the
    header's columns (a value with an unquoted comma, a line cut short). Wherever that line is,
    the reader alone would stop at it with its own error, which offers reader options nobody
    can pass here; so every line is read once here, with the lines that do not fit set aside
    (store_rejects) to be named. scripts/raw_files.py check_csv_lines does the same for the
    scripts.
-#}
{% macro check_raw_csv_lines(path, dialect, table_name) -%}
    {%- set problems = {
        'TOO MANY COLUMNS': [
            'more fields than the header',
            'a value with a comma is probably not quoted (such as VP, Engineering): quote it in '
            ~ 'the export, or fix the line',
        ],
        'MISSING COLUMNS': [
            'fewer fields than the header',
            'the line is cut short, or a value holding a line break is not quoted: fix the line '
            ~ 'in the export',
        ],
        'UNQUOTED VALUE': [
            'a quote inside a value that is not escaped',
            'write the quote twice ("") in the export, or fix the line',
        ],
        'INVALID ENCODING': ['text that is not UTF-8', 'export the file as UTF-8'],
        'LINE SIZE OVER MAXIMUM': [
            'no end within the longest line the reader takes',
            'a quote is probably never closed: fix the line in the export',
        ],
    } -%}
    {%- do lead_scoring.drop_raw_csv_reject_tables() -%}
    {#- a null string no export writes: an empty field is then a value, which the reader does
        not drop past the header's last column (it drops empty ones without a word, and with
        them the sign of a value shifted by an unquoted comma when the last column is empty) -#}
    {%- do run_query('select count(*) from ' ~ lead_scoring.raw_csv_reader(path, dialect + [
        "nullstr = 'no field is null in the line check'",
        'ignore_errors = true',
        'store_rejects = true',
        "rejects_table = 'raw_csv_rejected_lines'",
        "rejects_scan = 'raw_csv_scans'",
    ])) -%}
    {%- set rejected = run_query("
        with rejected as (
            select scans.file_path, rejects.line, rejects.line_byte_position, rejects.column_idx,
                cast(rejects.error_type as varchar) as error_type, rejects.error_message
            from raw_csv_rejected_lines as rejects
            inner join raw_csv_scans as scans
                on rejects.scan_id = scans.scan_id and rejects.file_id = scans.file_id
        )
        select file_path, line, line_byte_position, error_type, error_message,
            (select count(distinct (file_path, line)) from rejected) as rejected_lines
        from rejected
        order by file_path, line, column_idx
        limit 1
    ").rows -%}
    {%- do lead_scoring.drop_raw_csv_reject_tables() -%}
    {%- if rejected | length > 0 -%}
        {%- set file_path, record, byte_position, error_type, detail, rejected_lines = rejected[0] -%}
        {%- set line = lead_scoring.raw_csv_line_of_byte(
            file_path, byte_position, record, error_type
        ) -%}
        {%- set problem, advice = problems.get(
            error_type, ['a value that cannot be read as CSV', 'fix the line in the export']
        ) -%}
        {{ exceptions.raise_compiler_error(
            "Raw file " ~ file_path ~ ", line " ~ line ~ ": " ~ problem ~ " (" ~ detail ~ "); "
            ~ advice ~ ", and rerun."
            ~ (" " ~ rejected_lines ~ " lines of raw table '" ~ table_name ~ "' cannot be read."
                if rejected_lines > 1 else "")
        ) }}
    {%- endif -%}
{%- endmacro %}

{#-
    The line of a raw CSV file (as an editor counts them) that holds the byte at byte_position.
    The reader counts records, and a quoted value holding a line break makes one record of two
    lines, so its count can name a line above the one at fault. The line breaks before the
    byte are counted in the file itself; a gzip-compressed file, which cannot be read as text
    here, or one that is not UTF-8, keeps the reader's record number
    (src/lead_scoring/raw_files.py physical_line counts in those too).
-#}
{% macro raw_csv_line_of_byte(path, byte_position, record, error_type) -%}
    {%- if byte_position is none or path.endswith('.gz') or error_type == 'INVALID ENCODING' -%}
        {{- return(record) -}}
    {%- endif -%}
    {%- set counted = run_query(
        "with lines as (select string_split(decode(content), chr(10)) as texts"
        ~ " from read_blob('" ~ path | replace("'", "''") ~ "')),"
        ~ " numbered as (select line_number, texts[line_number] as text"
        ~ " from lines, range(1, len(texts) + 1) as numbers(line_number)),"
        ~ " starts as (select sum(strlen(text) + 1) over (order by line_number)"
        ~ " - strlen(text) - 1 as start_byte from numbered)"
        ~ " select count(*) from starts where start_byte < " ~ byte_position
    ).rows -%}
    {{- return(counted[0][0] if counted[0][0] > 0 else record) -}}
{%- endmacro %}

{#- Drop the tables in which DuckDB's CSV reader records the lines it rejected. -#}
{% macro drop_raw_csv_reject_tables() -%}
    {%- do run_query('drop table if exists raw_csv_rejected_lines') -%}
    {%- do run_query('drop table if exists raw_csv_scans') -%}
{%- endmacro %}

{#-
    Fail with a readable message when a raw table has no rows: a header (a Parquet schema)
    without a single row. Tables listed in the var raw_tables_allowed_empty (default: accounts,
    sales_dispositions, opportunities, which a young CRM may not have yet) may have no rows.
-#}
{% macro check_raw_file_has_rows(path, reader, table_name) -%}
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
{% macro check_raw_columns(reader, path, source) -%}
    {%- set described = run_query('describe select * from ' ~ reader) -%}
    {%- set found = described.columns[0].values() | map('lower') | list -%}
    {%- set missing = source.columns.keys() | reject('in', found) | list -%}
    {%- if missing | length > 0 -%}
        {{ exceptions.raise_compiler_error(
            "Raw table '" ~ source.identifier ~ "' (" ~ path ~ ") lacks column(s): " ~ missing | join(', ')
            ~ ". It has: " ~ found | join(', ') ~ ". Rename or add the column(s) in the raw file; "
            ~ "the expected layout is in models/staging/_raw__sources.yml."
        ) }}
    {%- endif -%}
{%- endmacro %}
