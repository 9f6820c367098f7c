@vignette
Feature: Clinical vignettes
  Short patient stories, written from the source text and the clinical references with the
  expected leading cause and the expected urgency set by clinical judgement (features/vignettes.toml).
  They measure livertriage the way the symptom-checker studies do. Semigran et al. (BMJ 2015) found
  checkers put the right diagnosis first in 34% of vignettes, in the first three in 51%, and gave
  the right triage in 57%. Gilbert et al. (BMJ Open 2020) count advice as safe when it is at the
  right level, more cautious, or one level less cautious at most. livertriage is held to more:
  never a level less cautious than expected.

  Scenario: The vignette suite meets the bar
    Given the clinical vignettes
    When livertriage assesses every vignette
    Then the leading cause is right in at least 90% of vignettes
    And the right cause is among the first three in at least 95% of vignettes
    And the urgency is right in at least 95% of vignettes
    And no vignette is under-triaged
