with

source as (
    select * from {{ ref('engagement_rules') }}
),

renamed as (
    select
        ---------- ids
        {{ clean_text('rule_id') }} as rule_id,
        ---------- matching
        {{ clean_text('event_type', 'lower') }} as event_type,
        {{ clean_text('url_pattern') }} as url_pattern,
        ---------- scoring
        {{ try_cast(clean_text('points'), type_double()) }} as points,
        {{ try_cast(clean_text('max_points'), type_double()) }} as max_points,
        {{ try_cast(clean_text('half_life_days'), type_double()) }} as half_life_days,
        {{ clean_text('promotes_to', 'lower') }} as promotes_to,
        {{ clean_text('description') }} as description,
        ---------- as typed by the analyst, for seed validation messages
        {{ clean_text('points') }} as points_text,
        {{ clean_text('max_points') }} as max_points_text,
        {{ clean_text('half_life_days') }} as half_life_days_text,
        {{ clean_text('valid_from') }} as valid_from_text,
        ---------- versioning
        {{ try_cast(clean_text('valid_from'), 'date') }} as valid_from
    from source
),

final as (
    select
        *,
        {{ rule_validity_columns('rule_id') }}
    from renamed
)

select * from final
