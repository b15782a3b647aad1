/** The resources module's public surface: what other modules (the header search, activities' recordings) use. */
export { ResourcesService, publishRecording, recordingResourcesOf, type RecordingInput } from './resources.service.js';
/** Whether a resource can stand as a community's assessment evidence (read by assessment). */
export { resourceForCommunity } from './resources.refs.js';
