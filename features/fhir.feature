@fhir
Feature: Health records speak FHIR
  Patient portals and electronic records hold questionnaires and answers as HL7 FHIR resources.
  livertriage publishes its questions as a FHIR Questionnaire, reads the QuestionnaireResponse a
  clinic's system exports, and gives its result back as FHIR resources. What it says does not
  change: the same answers give the same urgency, the same possible causes for a physician to
  consider, and the same recommendation to see a physician, which comes last.

  Scenario: A clinic exports a QuestionnaireResponse, and livertriage assesses it as the answers
    Given my answers are:
      | question                 | answer |
      | fever now or recently    | yes    |
      | drenching night sweats   | yes    |
      | a cough lasting more than 3 weeks | yes |
      | age in years             | 40     |
    And a clinic exports them as a FHIR QuestionnaireResponse
    When livertriage assesses the QuestionnaireResponse
    Then the assessment is the same as for the answers themselves
    And the urgency is "soon"
    And the cause listed first is "Hepatic tuberculosis"

  Scenario: "Don't know" in a QuestionnaireResponse still never lowers the urgency
    Given my answers are:
      | question                                 | answer     |
      | vomiting blood or coffee-ground material | don't know |
    And a clinic exports them as a FHIR QuestionnaireResponse
    When livertriage assesses the QuestionnaireResponse
    Then the urgency is "urgent"

  Scenario: The result goes back to the record, ending with the proposal to see a physician
    Given my answers are:
      | question                                 | answer |
      | vomiting blood or coffee-ground material | yes    |
    When I ask for the FHIR report
    Then the FHIR result gives the urgency "emergency" with its reasons
    And the last FHIR resource proposes seeing a physician with priority "stat"
    And the FHIR result ends with the recommendation to see a physician
    And nothing in the FHIR result states a diagnosis or instructs about a medicine

  Scenario: Possible causes go back as causes to consider, with their codes
    Given my answers are:
      | question                             | answer |
      | a belly swollen with fluid (ascites) | yes    |
      | drinking more than low-risk limits   | yes    |
    When I ask for the FHIR report
    Then the FHIR result offers "Cirrhosis" for a physician to consider, coded "19943007" in SNOMED CT
    And the FHIR result's possible causes are marked preliminary

  Scenario: A condition a doctor already found is passed on without a code
    Given my answers are:
      | question                               | answer |
      | told the liver is cirrhotic or scarred | yes    |
    When I ask for the FHIR report
    Then the FHIR result lists "Cirrhosis" as a condition a doctor already found, without a code

  Scenario: A form asks the baby's questions only when the person may be a baby
    Given livertriage's FHIR Questionnaire
    Then the form asks "a baby under 3 months old" only when "age in years" is below 1 or not known
    And every question the interview may ask is in the form, warning signs first

  Scenario Outline: A form asks the same follow-ups as the interview
    Given my answers are:
      | question   | answer   |
      | <question> | <answer> |
    Then a form filled in with these answers asks exactly the questions the interview asks

    Examples:
      | question                          | answer     |
      | fever now or recently             | yes        |
      | fever now or recently             | don't know |
      | fever now or recently             | no         |
      | age in years                      | 0          |
      | age in years                      | 30         |
      | age in years                      | don't know |
      | a belly swollen with fluid (ascites) | yes     |

  Scenario: A response to another questionnaire is refused
    When I give livertriage a QuestionnaireResponse to the questionnaire "http://example.org/Questionnaire/phq-9"
    Then the command fails with exit status 2
    And the error message is one line naming "questionnaire"

  Scenario: An answer of the wrong type is refused, naming the question and what is allowed
    When I give livertriage a QuestionnaireResponse answering "fever" with the text "a bit"
    Then the command fails with exit status 2
    And the error message is one line naming "fever"
    And the error message says "use a coding Y, N or asked-unknown"

  Scenario: A question that is not in the questionnaire is refused
    When I give livertriage a QuestionnaireResponse answering "feverish" with yes
    Then the command fails with exit status 2
    And the error message says "did you mean"
