/** The resources module's public surface: what other modules (the header search, activities' recordings) use. */
export { ResourcesService, publishRecording, recordingResourcesOf, type RecordingInput } from './resources.service.js';
