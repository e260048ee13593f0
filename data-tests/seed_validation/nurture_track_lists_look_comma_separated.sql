{#-
    Lists in seeds/nurture_tracks.csv whose items look separated by commas instead of '|':
    'A, B' is one item. Only a warning, as for the fit rules' lists
    (fit_rule_lists_look_comma_separated), since one name may hold a comma; an item that names no
    grade or band is an error of nurture_tracks_are_valid as well.
-#}
{{ config(severity='warn') }}

with

tracks as (
    select * from {{ ref('stg_seeds__nurture_tracks') }}
),

lists as (
    select
        track,
        sort_order_text,
        'fit_grades' as list_name,
        fit_grades as list_text
    from tracks

    union all

    select
        track,
        sort_order_text,
        'engagement_bands' as list_name,
        engagement_bands as list_text
    from tracks
),

final as (
    select
        'seeds/nurture_tracks.csv' as seed,
        track,
        sort_order_text as sort_order,
        'the ' || list_name || ' list ''' || list_text || ''' has commas and no |: it is one item. '
        || 'Separate items with | (e.g. A | B), or ignore this if the comma is part of a name' as problem
    from lists
    where
        list_text like '%,%'
        and list_text not like '%|%'
)

select * from final
