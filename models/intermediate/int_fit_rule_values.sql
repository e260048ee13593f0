{#- The '|'-separated items of each fit-rule version's value, one row per item, trimmed. -#}
with

fit_rules as (
    select * from {{ ref('stg_seeds__fit_rules') }}
),

item_numbers as (
    {{ dbt.generate_series(100) }}
),

counted as (
    select
        *,
        {{ dbt.length('value') }} - {{ dbt.length(dbt.replace('value', "'|'", "''")) }} + 1 as item_count
    from fit_rules
    where value is not null
),

split as (
    select
        counted.rule_id,
        counted.valid_from,
        item_numbers.generated_number as item_number,
        counted.item_count,
        lower(trim({{ nth_split_part('counted.value', "'|'", 'item_numbers.generated_number') }})) as item_text
    from counted
    inner join item_numbers
        on item_numbers.generated_number <= counted.item_count
),

final as (
    select
        rule_id,
        valid_from,
        item_number,
        item_count,
        nullif(item_text, '') as item_text,
        {{ try_cast("nullif(item_text, '')", type_double()) }} as item_number_value
    from split
)

select * from final
