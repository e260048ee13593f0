{#-
    valid_from_at and valid_to_at of a versioned rule row: in force from valid_from 00:00 UTC until
    the next version's valid_from (exclusive; null for the latest). Versions are the rows sharing
    `partition_by` (none: the whole table, as for mql_thresholds).
-#}
{% macro rule_validity_columns(partition_by=none) -%}
    cast(valid_from as {{ dbt.type_timestamp() }}) as valid_from_at,
    cast(
        lead(valid_from) over ({% if partition_by %}partition by {{ partition_by }} {% endif %}order by valid_from)
        as {{ dbt.type_timestamp() }}
    ) as valid_to_at
{%- endmacro %}
