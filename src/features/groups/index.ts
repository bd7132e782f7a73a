export { GroupService, type GroupRow } from './service.ts';
export { groupsCommands } from "./handlers.ts";
export { groupsListener } from './listeners.ts';
export { groupsDataPart } from './data-part.ts';
