{#-
    The '|'-separated items of each nurture track's two lists (fit_grades, engagement_bands), one
    row per item, trimmed and lower-cased as the fit rules' lists are (int_fit_rule_values). An
    empty list has no rows: it takes any grade or band. A track without a name has none either
    (a seed validation error).
-#}
with

tracks as (
    select * from {{ ref('stg_seeds__nurture_tracks') }}
),

item_numbers as (
    {{ dbt.generate_series(100) }}
),

lists as (
    select
        track,
        sort_order,
        sort_order_text,
        'fit_grades' as list_name,
        fit_grades as list_text
    from tracks
    where track is not null and fit_grades is not null

    union all

    select
        track,
        sort_order,
        sort_order_text,
        'engagement_bands' as list_name,
        engagement_bands as list_text
    from tracks
    where track is not null and engagement_bands is not null
),

counted as (
    select
        *,
        {{ dbt.length('list_text') }} - {{ dbt.length(dbt.replace('list_text', "'|'", "''")) }} + 1 as item_count
    from lists
),

split as (
    select
        counted.track,
        counted.sort_order,
        counted.sort_order_text,
        counted.list_name,
        counted.list_text,
        item_numbers.generated_number as item_number,
        counted.item_count,
        trim({{ nth_split_part('counted.list_text', "'|'", 'item_numbers.generated_number') }}) as item_as_typed
    from counted
    inner join item_numbers
        on item_numbers.generated_number <= counted.item_count
),

final as (
    select
        ---------- ids
        track,
        sort_order,
        list_name,
        item_number,
        ---------- items
        sort_order_text,
        list_text,
        item_count,
        nullif(item_as_typed, '') as item_as_typed,
        lower(nullif(item_as_typed, '')) as item_text,
        -- bands are whole numbers, read as stg_seeds__engagement_bands reads them
        {{ try_cast("nullif(item_as_typed, '')", dbt.type_int()) }} as item_band
    from split
)

select * from final
