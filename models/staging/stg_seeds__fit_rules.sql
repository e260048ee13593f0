with

source as (
    select * from {{ ref('fit_rules') }}
),

renamed as (
    select
        ---------- ids
        {{ clean_text('rule_id') }} as rule_id,
        ---------- condition
        {{ clean_text('attribute', 'lower') }} as attribute,
        {{ clean_text('operator', 'lower') }} as operator,
        {{ clean_text('value') }} as value,
        ---------- scoring
        {{ try_cast(clean_text('points'), type_double()) }} as points,
        {{ try_cast(clean_text('is_disqualifying', 'lower'), dbt.type_boolean()) }} as is_disqualifying,
        {{ clean_text('description') }} as description,
        ---------- as typed by the analyst, for seed validation messages
        {{ clean_text('points') }} as points_text,
        {{ clean_text('is_disqualifying') }} as is_disqualifying_text,
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
