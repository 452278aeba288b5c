"""The registry persons a resident account may act for: its own verified person and the
elderly relatives who authorised it (the portal app's resident profile and family links,
through `gridgov.core.residents`, ADRs 0027 and 0040); none when no app keeps resident accounts."""

from gridgov.core.residents import acting_for, current_resident


def persons_for(user):
    return list(acting_for(current_resident(user)))
