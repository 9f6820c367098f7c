@questionnaire
Feature: The questionnaire
  A person at a terminal answers one question at a time: yes, no or don't know. Warning signs
  come first, and a yes to an emergency sign ends the questions at once. At any question they can
  ask why it is asked, ask what it means, go back to change an answer, or stop; stopping never
  loses what they said. These scenarios drive the real command line.

  Scenario: Answering no to everything
    When I answer the questionnaire with no to everything
    Then the questionnaire ends with the report
    And I was asked fewer questions than the catalogue holds
    And no question was asked twice
    And the report's last line is the recommendation to see a physician

  Scenario: Warning signs are asked first
    When I answer the questionnaire with no to everything
    Then the first questions were about the warning signs:
      | question                                     |
      | vomiting blood or coffee-ground material     |
      | black, tarry stools                          |
      | new confusion or unusual drowsiness          |
      | belly pain so severe one cannot stay still   |
      | difficulty breathing                         |
      | fainting, collapse, or cold, clammy, pale skin |
      | yellow skin or yellow whites of the eyes     |

  Scenario: A yes to an emergency sign ends the questionnaire at once
    When I reply to the questionnaire:
      | reply |
      | n     |
      | y     |
    Then I am told "EMERGENCY: Call your emergency number, or go to an emergency department, now."
    And I was asked 2 questions
    And the report says the urgency is "Emergency"
    And the report's last line is the recommendation to see a physician

  Scenario: Asking why a question is asked
    When I reply to the questionnaire, then answer no to everything else:
      | reply |
      | why   |
    Then I am told "Why this question: Vomiting blood"
    And I am told "Asked of everyone"
    And I am told "If yes: how soon to see a doctor becomes: emergency"
    And the questionnaire ends with the report

  Scenario: Asking what a question means
    When I reply to the questionnaire, then answer no to everything else:
      | reply |
      | help  |
    Then I am told "Vomit that is bright red, dark brown or black"

  Scenario: Going back to change an answer
    When I reply to the questionnaire:
      | reply |
      | n     |
      | back  |
      | y     |
    Then I am told "Going back to: vomiting blood or coffee-ground material."
    And the report says the urgency is "Emergency"

  Scenario: A fever opens questions about chills and night sweats
    When I reply to the questionnaire, then answer no to everything else:
      | reply |
      | n     |
      | n     |
      | n     |
      | n     |
      | n     |
      | n     |
      | n     |
      | y     |
    Then I was asked about "shivering or shaking chills with the fever"
    And I was asked about "drenching night sweats"
    And I was not asked about "an enlarged spleen"

  Scenario: A reply that is not an answer is asked again with a hint
    When I reply to the questionnaire, then answer no to everything else:
      | reply |
      | maybe |
    Then I am told "Please type y = yes, n = no, ? = don't know · why · help · back · quit."
    And the questionnaire ends with the report

  Scenario: Stopping keeps every answer given so far
    When I reply to the questionnaire:
      | reply |
      | n     |
      | ?     |
      | quit  |
    Then the questionnaire stops with exit status 1
    And my answers so far are kept:
      | question                                  | answer     |
      | vomiting blood or coffee-ground material  | no         |
      | black, tarry stools                       | don't know |
    And I am told how to carry on later

  Scenario: Carrying on later from the kept answers
    Given I stopped the questionnaire after answering no to the first two questions
    When I carry on later and answer no to everything else
    Then the questionnaire ends with the report
    And I was not asked about "vomiting blood or coffee-ground material"
