{#- Every staged opportunity with its final data-quality verdict (dq_issue null: it is used). -#}
with

opportunities as (
    select * from {{ ref('stg_raw__opportunities') }}
),

leads as (
    select * from {{ ref('int_leads_joined_to_accounts') }}
),

leads_after_as_of as (
    select distinct lead_id from {{ ref('stg_raw__leads') }}
    where dq_issue = 'after_as_of'
),

validated as (
    select
        ---------- ids
        opportunities.opportunity_id,
        opportunities.lead_id,
        ---------- attributes
        opportunities.amount,
        opportunities.is_won,
        ---------- data quality
        case
            when opportunities.dq_issue is not null then opportunities.dq_issue
            when leads.lead_id is null and leads_after_as_of.lead_id is not null then 'lead_after_as_of'
            when leads.lead_id is null then 'unknown_lead'
        end as dq_issue,
        opportunities.created_at < leads.created_at as is_before_lead_created,
        opportunities.closed_at < opportunities.created_at as is_closed_before_created,
        opportunities.is_won_without_close,
        ---------- timestamps
        opportunities.created_at,
        opportunities.closed_at,
        -- stamps before the lead existed (or a close before the creation) take effect at the later one
        case
            when opportunities.created_at < leads.created_at then leads.created_at
            else opportunities.created_at
        end as effective_created_at
    from opportunities
    left join leads
        on opportunities.lead_id = leads.lead_id
    left join leads_after_as_of
        on opportunities.lead_id = leads_after_as_of.lead_id
),

final as (
    select
        *,
        case
            when closed_at < effective_created_at then effective_created_at
            else closed_at
        end as effective_closed_at
    from validated
)

select * from final
