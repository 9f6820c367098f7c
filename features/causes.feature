Feature: Possible causes of calcification spots on the liver
  The source text names five possible causes. For a typical story of each, livertriage lists that
  cause first, shows which answers point to it and the rule behind each, explains the cause in
  plain words, and names the source text's treatments only as options a physician may consider.
  A possible cause is never called a diagnosis, and every outcome ends with seeing a physician.

  @seed-intro.1
  Scenario: The five causes of the source text are all considered, and other factors too
    Given I have answered no questions
    When livertriage assesses my answers
    Then the possible causes include:
      | cause                                                  |
      | Congenital calcification                               |
      | Healed lesions from an earlier injury or inflammation  |
      | Chronic hepatitis                                      |
      | Hepatic tuberculosis                                   |
      | Cirrhosis                                              |
    And the possible causes beyond the source text, for a doctor to rule out, include "A parasite cyst: a hydatid cyst, or the fox tapeworm"
    And the possible causes beyond the source text, for a doctor to rule out, include "A growth: a harmless one, or cancer that has spread from elsewhere"

  @seed-1
  Rule: Congenital calcification fits spots seen before birth or in a newborn

    @seed-1.1
    Scenario: Spots seen on a pregnancy scan
      Given my answers are:
        | question                                             | answer |
        | spots seen in an unborn baby on a pregnancy scan, or in a newborn baby  | yes    |
        | age in years                                         | 0      |
      When livertriage assesses my answers
      Then the cause listed first is "Congenital calcification"
      And the reasons for "Congenital calcification" include my answer about "spots seen in an unborn baby on a pregnancy scan, or in a newborn baby"
      And what livertriage says about "Congenital calcification" mentions "before birth"
      And what livertriage says about "Congenital calcification" mentions "calcium salts"
      And the recommendation tells me to see a physician
      And nothing in the assessment states a diagnosis or instructs about a medicine

    @seed-1.2
    Scenario: Congenital calcification usually needs only follow-up
      Given I answer "yes" to "spots seen in an unborn baby on a pregnancy scan, or in a newborn baby"
      When livertriage assesses my answers
      Then what livertriage says about "Congenital calcification" mentions "no special treatment, only regular follow-up"
      And the options a doctor may consider for "Congenital calcification" are:
        | option                         |
        | Regular follow-up observation  |

    Scenario: Spots found in an adult point away from a congenital cause
      Given I answer "no" to "spots seen in an unborn baby on a pregnancy scan, or in a newborn baby"
      When livertriage assesses my answers
      Then the reasons against "Congenital calcification" include my answer about "spots seen in an unborn baby on a pregnancy scan, or in a newborn baby"

  @seed-2
  Rule: Healed lesions fit an earlier injury, with no symptoms and no change over time

    @seed-2.2 @seed-2.3
    Scenario: A road accident years ago, and spots unchanged since
      Given my answers are:
        | question                                              | answer |
        | an earlier injury, operation or biopsy of the liver   | yes    |
        | earlier scans showed the same spots, unchanged        | yes    |
        | spots seen in an unborn baby on a pregnancy scan, or in a newborn baby   | no     |
        | fever now or recently                                 | no     |
        | weight loss without trying                            | no     |
        | pain or discomfort in the upper right belly           | no     |
        | persistent tiredness                                  | no     |
        | a belly swollen with fluid (ascites)                  | no     |
        | yellow skin or yellow whites of the eyes              | no     |
      When livertriage assesses my answers
      Then the cause listed first is "Healed lesions from an earlier injury or inflammation"
      And the reasons for "Healed lesions from an earlier injury or inflammation" include my answer about "an earlier injury, operation or biopsy of the liver"
      And the reasons for "Healed lesions from an earlier injury or inflammation" include my answer about "earlier scans showed the same spots, unchanged"
      And the reasons for "Healed lesions from an earlier injury or inflammation" include my answer about "fever now or recently"
      And what livertriage says about "Healed lesions from an earlier injury or inflammation" mentions "usually cause no symptoms and need no specific treatment"
      And the urgency is "routine"
      And the recommendation tells me to see a physician

    @seed-2.1 @seed-2.2
    Scenario: A liver abscess that was treated, and healed
      Given my answers are:
        | question                                         | answer |
        | a treated liver abscess or infection             | yes    |
        | spots seen in an unborn baby on a pregnancy scan, or in a newborn baby | no  |
      When livertriage assesses my answers
      Then the cause listed first is "Healed lesions from an earlier injury or inflammation"
      And what livertriage says about "Healed lesions from an earlier injury or inflammation" mentions "The liver repairs itself well"
      And what livertriage says about "Healed lesions from an earlier injury or inflammation" mentions "injury or inflammation has healed"

    Scenario: Symptoms now point away from an old, healed lesion
      Given my answers are:
        | question                                              | answer |
        | an earlier injury, operation or biopsy of the liver   | yes    |
        | fever now or recently                                 | yes    |
      When livertriage assesses my answers
      Then the reasons against "Healed lesions from an earlier injury or inflammation" include my answer about "fever now or recently"

  @seed-3
  Rule: Chronic hepatitis is a condition a doctor may check for when hepatitis is known or likely

    @seed-3.1 @seed-3.3
    Scenario: Hepatitis B mentioned years ago, with tiredness, poor appetite and bloating
      Given my answers are:
        | question                                        | answer |
        | told of hepatitis B or C, or chronic hepatitis  | yes    |
        | persistent tiredness                            | yes    |
        | loss of appetite                                | yes    |
        | abdominal bloating                              | yes    |
      When livertriage assesses my answers
      Then "Chronic hepatitis" is shown as a condition a doctor already found, alongside the spots
      And "Chronic hepatitis" is presented as a condition a doctor may want to check for
      And the reasons for "Chronic hepatitis" include my answer about "told of hepatitis B or C, or chronic hepatitis"
      And the reasons for "Chronic hepatitis" include my answer about "persistent tiredness"
      And the reasons for "Chronic hepatitis" include my answer about "loss of appetite"
      And the reasons for "Chronic hepatitis" include my answer about "abdominal bloating"
      And the urgency is "soon"
      And nothing in the assessment states a diagnosis or instructs about a medicine

    @seed-3.1
    Scenario Outline: Viruses, medicines and alcohol can each trigger chronic hepatitis
      Given I answer "yes" to "<trigger>"
      When livertriage assesses my answers
      Then the reasons for "Chronic hepatitis" include my answer about "<trigger>"

      Examples:
        | trigger                                                                     |
        | told of hepatitis B or C, or chronic hepatitis                              |
        | injected drugs, early blood transfusion, or grew up where hepatitis is common |
        | long-term medicines or herbal remedies that might harm the liver            |
        | drinking more than low-risk limits                                          |

    @seed-3.2
    Scenario: livertriage explains how long inflammation can leave calcification
      Given I answer "yes" to "told of hepatitis B or C, or chronic hepatitis"
      When livertriage assesses my answers
      Then what livertriage says about "Chronic hepatitis" mentions "repeated damage and repair can lead to calcification"
      And what livertriage says about "Chronic hepatitis" mentions "radiology references do not list hepatitis itself as a usual cause"

    @seed-3.4
    Scenario: The source text's hepatitis treatments are only options for a physician
      Given I answer "yes" to "told of hepatitis B or C, or chronic hepatitis"
      When livertriage assesses my answers
      Then the options a doctor may consider for "Chronic hepatitis" are:
        | option                               |
        | Glutathione tablets                  |
        | Prednisone acetate tablets           |
        | Diammonium glycyrrhizinate capsules  |
      And the text report names each option for "Chronic hepatitis" only as something a physician may consider
      And the caveat for "Prednisone acetate tablets" mentions "steroids can make hepatitis B flare up"

  @seed-4
  Rule: Hepatic tuberculosis fits fever, night sweats and weight loss, above all after contact with TB

    @seed-4.3
    Scenario: Fever, night sweats and weight loss after living with someone who had TB
      Given my answers are:
        | question                                            | answer |
        | fever now or recently                               | yes    |
        | drenching night sweats                              | yes    |
        | weight loss without trying                          | yes    |
        | close contact with TB, or lived where TB is common  | yes    |
      When livertriage assesses my answers
      Then the cause listed first is "Hepatic tuberculosis"
      And the reasons for "Hepatic tuberculosis" include my answer about "fever now or recently"
      And the reasons for "Hepatic tuberculosis" include my answer about "drenching night sweats"
      And the reasons for "Hepatic tuberculosis" include my answer about "weight loss without trying"
      And the reasons for "Hepatic tuberculosis" include my answer about "close contact with TB, or lived where TB is common"
      And the urgency is at least "soon"
      And the recommendation tells me to see a physician

    @seed-4.1 @seed-4.2
    Scenario: TB in the past, healed, can leave calcified spots
      Given my answers are:
        | question                                            | answer |
        | tuberculosis (TB) in the past                       | yes    |
        | a cough lasting more than 3 weeks                   | no     |
      When livertriage assesses my answers
      Then the cause listed first is "Hepatic tuberculosis"
      And what livertriage says about "Hepatic tuberculosis" mentions "bacteria can reach the liver and form lesions"
      And what livertriage says about "Hepatic tuberculosis" mentions "lesions heal, calcium salts can settle"

    Scenario: A weakened immune system and a long cough point to tuberculosis
      Given my answers are:
        | question                             | answer |
        | a weakened immune system             | yes    |
        | a cough lasting more than 3 weeks    | yes    |
        | fever now or recently                | yes    |
      When livertriage assesses my answers
      Then the cause listed first is "Hepatic tuberculosis"
      And the reasons for "Hepatic tuberculosis" include my answer about "a weakened immune system"

    @seed-4.4
    Scenario: The source text's TB medicines are only options under a physician's supervision
      Given my answers are:
        | question                        | answer |
        | tuberculosis (TB) in the past   | yes    |
        | drenching night sweats          | yes    |
      When livertriage assesses my answers
      Then the options a doctor may consider for "Hepatic tuberculosis" are:
        | option                            |
        | Isoniazid tablets                 |
        | Rifampicin tablets                |
        | Ethambutol hydrochloride tablets  |
      And the text report names each option for "Hepatic tuberculosis" only as something a physician may consider
      And the caveat for "Isoniazid tablets" mentions "specialist supervision"
      And what a doctor may do about "Hepatic tuberculosis" mentions "chest X-ray and sputum"
      And the caveat for "Ethambutol hydrochloride tablets" mentions "pyrazinamide"

    @beyond-seed
    Scenario: Old TB that was treated, with spots that stay the same, gets no TB medicines
      Given my answers are:
        | question                                       | answer |
        | tuberculosis (TB) in the past                  | yes    |
        | an earlier scan of the liver to compare with   | yes    |
        | the spots are the same as on the earlier scan  | yes    |
        | drenching night sweats                         | no     |
        | weight loss without trying                     | no     |
        | a cough lasting more than 3 weeks              | no     |
      When livertriage assesses my answers
      Then "Hepatic tuberculosis" lists no treatment options
      And what livertriage says about "Hepatic tuberculosis" mentions "usually needs no TB treatment for the spots"

  @seed-5
  Rule: Cirrhosis is a condition a doctor may check for when there is ascites or an enlarged spleen

    @seed-5.4
    Scenario: A swollen belly and an enlarged spleen
      Given my answers are:
        | question                               | answer |
        | a belly swollen with fluid (ascites)   | yes    |
        | an enlarged spleen                     | yes    |
      When livertriage assesses my answers
      Then the cause listed first is "Cirrhosis"
      And "Cirrhosis" is presented as a condition a doctor may want to check for
      And the reasons for "Cirrhosis" include my answer about "a belly swollen with fluid (ascites)"
      And the reasons for "Cirrhosis" include my answer about "an enlarged spleen"
      And the urgency is "soon"
      And nothing in the assessment states a diagnosis or instructs about a medicine

    @seed-5.1
    Scenario: Genetic or metabolic liver disease in the family points to cirrhosis
      Given my answers are:
        | question                                          | answer |
        | genetic or metabolic liver disease in the family  | yes    |
        | a belly swollen with fluid (ascites)              | yes    |
      When livertriage assesses my answers
      Then the cause listed first is "Cirrhosis"
      And the reasons for "Cirrhosis" include my answer about "genetic or metabolic liver disease in the family"
      And what livertriage says about "Cirrhosis" mentions "genetic or metabolic conditions"

    @seed-5.2 @seed-5.3
    Scenario: livertriage explains how scarring can leave calcified spots
      Given I answer "yes" to "told the liver is cirrhotic or scarred"
      When livertriage assesses my answers
      Then "Cirrhosis" is shown as a condition a doctor already found, alongside the spots
      And what livertriage says about "Cirrhosis" mentions "Scarring of the liver that damages its structure"
      And what livertriage says about "Cirrhosis" mentions "calcium salts can settle while scar tissue forms"
      And what livertriage says about "Cirrhosis" mentions "radiology references do not support that"

    @seed-5.5
    Scenario: The source text's cirrhosis treatments are only options for a physician
      Given I answer "yes" to "told the liver is cirrhotic or scarred"
      When livertriage assesses my answers
      Then the options a doctor may consider for "Cirrhosis" are:
        | option                                  |
        | Vitamin B complex tablets               |
        | Tenofovir disoproxil fumarate tablets   |
        | Sofosbuvir tablets                      |
      And the text report names each option for "Cirrhosis" only as something a physician may consider
      And the caveat for "Tenofovir disoproxil fumarate tablets" mentions "hepatitis B"
      And the caveat for "Sofosbuvir tablets" mentions "hepatitis C"

  @beyond-seed
  Rule: Causes beyond the source text are named for a doctor to rule out

    Scenario: Sheep-and-dog farming points to a parasitic cyst
      Given I answer "yes" to "farms with sheep and dogs, or a known liver cyst or parasite"
      When livertriage assesses my answers
      Then the cause listed first is "A parasite cyst: a hydatid cyst, or the fox tapeworm"
      And "A parasite cyst: a hydatid cyst, or the fox tapeworm" is presented as beyond the source text

    Scenario: A past cancer and spots that changed point to a growth
      Given my answers are:
        | question                                         | answer |
        | cancer now or in the past                        | yes    |
        | earlier scans showed the same spots, unchanged   | no     |
      When livertriage assesses my answers
      Then the cause listed first is "A growth: a harmless one, or cancer that has spread from elsewhere"
      And the reasons for "A growth: a harmless one, or cancer that has spread from elsewhere" include my answer about "earlier scans showed the same spots, unchanged"
      And the urgency is at least "soon"
