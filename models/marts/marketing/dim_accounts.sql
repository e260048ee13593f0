{#-
    One row per account of the accounts table (its clean rows, with or without leads), with its
    leads (dim_leads, joined by account_id) rolled up (spec §9): how many, how engaged, the best
    fit, the summed engagement graded like a lead's, open MQLs, SQLs and the furthest stage.
-#}
with

accounts as (
    select * from {{ ref('stg_raw__accounts') }}
    where dq_issue is null
),

leads as (
    select * from {{ ref('dim_leads') }}
    where account_id is not null
),

-- the lead's events the scoring uses, those before its creation included (docs/semantics.md)
events as (
    select * from {{ ref('int_events_validated') }}
    where dq_issue is null
),

fit_grades as (
    select * from {{ ref('stg_seeds__fit_grades') }}
),

engagement_bands as (
    select * from {{ ref('stg_seeds__engagement_bands') }}
),

latest_lead_events as (
    select
        lead_id,
        max(occurred_at) as latest_event_at
    from events
    where lead_id in (select leads.lead_id from leads)
    group by lead_id
),

-- the furthest stage of the order lead < mql < sql < opportunity < customer; recycled and
-- disqualified count as lead
staged_leads as (
    select
        leads.*,
        latest_lead_events.latest_event_at,
        case leads.current_stage
            when 'customer' then 4
            when 'opportunity' then 3
            when 'sql' then 2
            when 'mql' then 1
            else 0
        end as stage_level
    from leads
    left join latest_lead_events
        on leads.lead_id = latest_lead_events.lead_id
),

account_leads as (
    select
        account_id,
        count(*) as leads,
        sum(case when engagement_score > 0 then 1 else 0 end) as engaged_leads,
        max(fit_score) as account_fit_score,
        {{ exact_sum('engagement_score') }} as account_engagement_score,
        sum(case when current_stage = 'mql' then 1 else 0 end) as open_mqls,
        sum(case when first_sql_at is not null then 1 else 0 end) as leads_ever_sql,
        max(stage_level) as most_advanced_stage_level,
        max(latest_event_at) as latest_event_at
    from staged_leads
    group by account_id
),

rolled_up as (
    select
        accounts.*,
        coalesce(account_leads.leads, 0) as leads,
        coalesce(account_leads.engaged_leads, 0) as engaged_leads,
        account_leads.account_fit_score,
        coalesce(account_leads.account_engagement_score, 0.0) as account_engagement_score,
        coalesce(account_leads.open_mqls, 0) as open_mqls,
        coalesce(account_leads.leads_ever_sql, 0) as leads_ever_sql,
        case account_leads.most_advanced_stage_level
            when 4 then 'customer'
            when 3 then 'opportunity'
            when 2 then 'sql'
            when 1 then 'mql'
            when 0 then 'lead'
        end as most_advanced_stage,
        account_leads.latest_event_at
    from accounts
    left join account_leads
        on accounts.account_id = account_leads.account_id
),

final as (
    select
        ---------- ids
        rolled_up.account_id,
        ---------- account attributes
        rolled_up.account_name,
        rolled_up.domain,
        rolled_up.industry,
        rolled_up.country as account_country,
        rolled_up.employee_count,
        rolled_up.annual_revenue,
        ---------- leads
        cast(rolled_up.leads as {{ dbt.type_bigint() }}) as leads,
        cast(rolled_up.engaged_leads as {{ dbt.type_bigint() }}) as engaged_leads,
        cast(rolled_up.open_mqls as {{ dbt.type_bigint() }}) as open_mqls,
        cast(rolled_up.leads_ever_sql as {{ dbt.type_bigint() }}) as leads_ever_sql,
        rolled_up.most_advanced_stage,
        ---------- scores at as_of
        rolled_up.account_fit_score,
        rolled_up.account_engagement_score,
        fit_grades.grade as account_fit_grade,
        engagement_bands.band as account_engagement_band,
        fit_grades.grade || cast(engagement_bands.band as {{ dbt.type_string() }}) as account_priority,
        ---------- timestamps
        rolled_up.latest_event_at
    from rolled_up
    left join fit_grades
        on {{ score_in_tier('fit_grades', 'rolled_up.account_fit_score', 'min_fit_score', 'next_min_fit_score') }}
    left join engagement_bands
        on {{ score_in_tier(
            'engagement_bands', 'rolled_up.account_engagement_score', 'min_engagement_score', 'next_min_engagement_score'
        ) }}
)

select * from final
