/**
 * What the bot says by itself (the greeting is each bot's own, set in the API; the resolution
 * question is core's editable `resolution_survey` template). Short and plain: customers read
 * them on a phone.
 */
export const TEXTS = {
  sharePhoneButton: '📞 Share my phone number',
  phoneSaved: 'Thank you, we saved your phone number.',
  newConversation: 'Sure: describe your new question in one message and we will open a new request for it.',
  help: 'Write your question here and an agent will answer in this chat.\n\n/new: start a new request even if one is open\n/start: show the greeting again',
  solvedQuestion: 'Was your question solved?',
  solvedYes: 'Yes',
  solvedNo: 'No',
  ratingPrompt: 'Glad we could help! How would you rate the support you got?',
  ratingButton: (n: number) => '★'.repeat(n),
  thanksForRating: (n: number) => `Thank you for your rating: ${'★'.repeat(n)}${'☆'.repeat(5 - n)}`,
  reopened: 'Sorry to hear that. We have reopened your request; an agent will get back to you here.',
  answerReceived: 'Thank you!',
  unknownButton: 'This button is no longer active.',
} as const;
