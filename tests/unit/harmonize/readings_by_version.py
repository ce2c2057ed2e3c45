"""The readings each vocabulary version added, as the deployed mapper's best code for a series described so (the
table test_playbook_catalogue.test_vocabulary_readings checks): (modality, description, code) by version, oldest
first. Descriptions come from development halves, MIDRC's development rows or were written for the test."""

READINGS_BY_VERSION: dict[str, list[tuple[str, str, str]]] = {
    "4.19": [
        # reads a paired part in the plural as both sides
        ("DX", "XR KNEES 3 VIEWS", "36310-1"),  # a paired part in the plural: both sides
        ("DX", "HIPS 2 OR MORE VIEWS", "26130-5"),
        ("MR", "MR BREASTS W AND WO", "36277-2"),
        ("DX", "XR LEFT HIPS", "26131-3"),  # a side said stands
        ("MG", "MAMMO SCREENING", "26175-0"),  # screening mammography: both breasts
        ("MG", "MAMMO SCREENING LEFT", "26176-8"),
    ],
    "4.21": [
        # reads guided procedures
        ("CT", "CT_GUIDED_BIOPSY_BONE_DEEP", "43567-7"),  # CT Guidance for deep biopsy of Bone
        ("CT", "CT NEEDLE BIOPSY BONE", "35891-1"),  # ... percutaneous biopsy of Bone
        ("CT", "CT_BONE_MARROW_BIOPSY", "37211-0"),
        ("CT", "IN_BIOPSY_ABDOMINAL_RETROPERIT_PERC", "44117-0"),  # the retroperitoneum inside the abdomen
        ("CT", "LUNG__ASPIRATION", "24822-9"),  # fluid aspiration, not a biopsy
        ("CT", "FNA, WITH IMAGING GUIDANCE - CT", "30580-5"),  # with guidance: not with contrast
        ("CT", "CT_Guided_Liver_Biopsy_and_or_FNA", "24812-0"),  # a biopsy, a fine-needle one if need be
        ("US", "IR Needle Guidance W US", "64993-9"),  # US Guidance for placement of needle in Unspecified body region
        ("MG", "MAMMO NEEDLE LOCALIZATION LEFT", "26316-0"),  # ... needle localization of mass of Breast - left
        ("CT", "CT GUIDED DRAINAGE OF ABSCESS PELVIS", "42286-5"),
        ("US", "US GUIDED FNA THYROID", "38019-6"),
        ("MR", "MRI BRAIN WITH INJ - MHDI", "24589-4"),  # INJ alone: contrast injected, no guided injection
    ],
    "4.31": [
        # reads pinyin
        ("CT", "YOU HUAIGUANJIE CT PINGSAO", "36428-1"),  # 右踝关节CT平扫: the pinyin generated from the Chinese words
        ("CT", "DIJILIANG XIONGBU CT", "29252-4"),  # 低剂量胸部CT: a low-dose chest CT, without contrast
        ("DX", "XIONGBU ZHENGWEI", "36554-4"),  # 胸部正位: one frontal view
        ("MR", "YOU JIANGUANJIE MRI", "26270-9"),  # 右肩关节
        ("CT", "XIONGTONG SANLIANZHENG CTA", "87842-1"),  # 胸痛三联征: the triple rule-out
        ("CT", "SHANGFUBUCTPINGSAOJIAZENGQIANG", "36267-3"),  # 上腹部CT平扫加增强 glued whole (4.32)
        ("MR", "CHUITI MR DONGTAI ZENGQIANG", "36238-4"),  # 垂体动态增强: dynamic, with contrast (4.32)
        ("CT", "SHUANG XIAZHI JINGMAI CTV", "87281-2"),  # 双下肢静脉: both sides (4.32)
    ],
    "4.34": [
        # reads contrast cut short or without signs
        ("CT", "CT ABD & PELVIS W/O &", "42274-1"),  # cut short after one contrast and AND: without and with
        ("CT", "CT ABDOMEN WITH AND WI", "36267-3"),
        ("CT", "CT ABDOMEN W AND", "36267-3"),
        ("CT", "CT CHEST W AND ABDOMEN", "42275-8"),  # AND then a region: not cut short
        ("CT", "CT_Abdomen__Pelvis_C_C_", "42274-1"),  # C- C+ written without their signs
        ("MR", "MRI PELVIS C- C", "30674-6"),
        ("CT", "CT CHEST C", "24628-0"),  # one C: with contrast
        # reads more european words
        ("CT", "CT THORAX O. KM", "29252-4"),  # German: ohne Kontrastmittel
        ("CT", "CT Thorax/Abdomen m. KM", "42275-8"),  # mit KM
        ("MR", "MRT Schädel nativ und mit KM", "24587-8"),
        ("MR", "MRT LENDENWIRBELSÄULE", "24968-0"),
        ("CT", "TDM THORACO-ABDOMINO-PELVIENNE INJECTEE", "72254-6"),  # French
        ("CT", "SCANNER ABDOMINO-PELVIEN SANS INJECTION", "36952-0"),
        ("CT", "TC ABDOME TOTAL SEM E COM CONTRASTE", "42274-1"),  # Portuguese: the whole abdomen, with the pelvis
        ("CT", "ANGIOTC DE TORAX", "36266-5"),  # Spanish: a CT angiogram
        ("CT", "CT BORSTKAS ZONDER CONTRAST", "29252-4"),  # Dutch
        ("CT", "BT TORAKS KONTRASTSIZ", "29252-4"),  # Turkish
        ("MR", "MR BRAIN MET", "24590-2"),  # MET alone: a metastasis, not the Dutch "with"
    ],
    "4.35": [
        ("CT", "N_C_A_P", "99628-0"),  # the neck with the chest, abdomen and pelvis
        ("CT", "CTNCAPW", "89283-6"),
        ("CT", "JHN STNECK CAP W OP", "89283-6"),  # soft-tissue neck with CAP
        ("MR", "MR DIAGNOSTIC BILAT BREAST WANDW/O CONTRAST", "36277-2"),  # W AND W/O glued
    ],
    "4.37 to 4.40": [
        ("CT", "Abdomen^STONES (Adult)", "36952-0"),  # the folder's abdomen gives way to the stone CT's extent
        ("CT", "ABDOMEN^LIVER (ADULT)", "24814-6"),  # a region the protocol names still wins
        ("CT", "Abdomen^2 BIPHASE LIVER_PANC", "79103-8"),  # two organs of the abdomen no code names together
        ("MR", "MR_LIVER_PANCREAS_WITH_AND_WITHOUT_CONTRAST", "24557-1"),
        ("MR", "LEFT KNEE/FEMUR", "35978-6"),  # the knee and thigh: the lower extremity
        ("CT", "VASCULAR^_DISSECTION_CHEST_ONLY (ADULT)", "82709-7"),  # a dissection narrows the chest to its aorta
        ("CT", "CT_ANGIOGRAM_CHEST_ABDOMEN_PELVIS_DISSECTION", "86983-4"),
        ("CT", "CT_Th_Ab_Pe_w_Contrast", "72254-6"),  # PE after the abdomen: the pelvis
        ("CT", "CT CHEST PE", "79077-4"),  # PE after the chest: a pulmonary embolus
        ("CT", "C/A/P TAVR OP", "86983-4"),  # a valve-planning CT: an angiogram of the regions said
        ("MR", "MRI W/WO CONT BILBR", "36277-2"),  # both breasts, written as one word
        ("MR", "MRI W/O CONT UNIBR", "36436-4"),
        ("PT", "Thorax^11WBPETCT", "44139-4"),  # WB, then the modality, as one word after a number
    ],
    "4.41 to 4.44": [
        ("CT", "CT KUB", "36952-0"),  # the kidneys, ureters and bladder on CT: a stone CT
        ("CR", "KUB", "24799-9"),
        ("CT", "CT HEAD PRE/POST CONTRAST", "24726-2"),
        ("CT", "CT ABDOMEN NON CON AND CON", "36267-3"),
        ("CT", "CT EXTREMITY LOWER LEFT", "35976-0"),
        ("PT", "PET CT TOP OF HEAD TO FEET", "44139-4"),
        ("CT", "CT LARYNX W CONTRAST", "36229-3"),  # the larynx, nasopharynx and parotid codes of the Playbook
        ("MR", "MRI NASOPHARYNX W WO", "36384-6"),
        ("CT", "CT PAROTID", "37223-5"),
        ("CT", "CT NECK W CONTRAST", "36235-0"),
        ("PT", "NASOPHARYNX_CA", "44136-0"),  # a PET's cancer site, not the region imaged
        ("CT", "CT STOMACH", "41806-1"),  # no CT code of the stomach: the abdomen's
        ("DX", "XR BONE AGE", "24724-7"),  # a skeletal age film: the hand and wrist
        ("DX", "BONE AGE LEFT HAND", "26353-3"),
        ("DX", "XR MANDIBLE", "24829-4"),
        ("CT", "CT MANDIBLE WO", "36512-2"),
        ("DX", "XR HAND 3 VIEWS", "24722-1"),
    ],
    "4.45 and 4.46": [
        ("US", "US SCROTUM AND CONTENTS", "25002-7"),  # the scrotum and testicles (4.45)
        ("US", "US TESTICLES BILATERAL", "26271-7"),
        ("US", "阴囊彩超", "25002-7"),
        ("US", "YINNANG CAICHAO", "25002-7"),
        ("MR", "MR_BRACHIAL_PLEXUS_W_AND_WO_IV_CONTRAST", "24583-7"),
        ("MR", "MRI BRACHIAL PLEXUS LEFT WO", "38833-0"),
        ("CT", "CT APPENDIX W CONTRAST", "36145-1"),
        ("CT", "CT ABD/PELVIS W CONTRAST (APPENDIX)", "36813-4"),  # an organ named beside two regions: theirs
        ("DX", "XR MASTOID", "24830-2"),
        ("DX", "XR ZYGOMATIC ARCH RIGHT", "26174-3"),
        ("DX", "XR ACETABULUM LEFT", "26134-7"),
        ("DX", "XR HIP LEFT WITH PELVIS 2 VIEWS", "42685-8"),  # the hip and the pelvis: not their shared acetabulum
        ("MR", "MR POSTERIOR FOSSA WO", "36518-9"),
        ("US", "US PARATHYROID", "38045-1"),
        ("MR", "MRI LOWER EXTREMITY JOINT WO CONTRAST LEFT", "36498-4"),  # CPT's words for a joint unnamed
        ("MR", "MRI LOWER EXTREMITY JOINT LEFT KNEE W WO", "26200-6"),  # the joint named: that joint
        ("MR", "MRI UPPER EXTREMITY JOINT W WO RIGHT", "36841-5"),
        ("MR", "MRI LOWER EXTREMITY NON JOINT WO/W IV CONTRAST - LEFT", "36291-3"),
        ("DX", "XR BONE SURVEY COMPLETE", "43518-0"),  # a skeletal survey
        ("DX", "XR SKELETAL SURVEY", "43518-0"),
        ("US", "腮腺彩超", "38138-4"),  # Chinese words of the salivary glands
        ("CT", "CT NECK LARYNX W", "36229-3"),  # the larynx named with the neck: the larynx
        ("MR", "MRI PELVIS UTERUS W WO", "36413-3"),  # the uterus and ovaries (4.46)
        ("US", "US OVARY LEFT", "69390-3"),
        ("MR", "子宫MR增强", "36265-7"),  # Chinese 子宫: the uterus (4.73; 子宫附件 stays a pelvic exam)
        ("CT", "CT SKULL BASE WO", "44112-1"),  # the skull base of other modalities than PET
        ("PT", "PETCT SKULL BASE", "58741-0"),  # a PET's: where its extent starts
        ("CT", "CT MAXILLA", "36050-3"),
        ("CT", "CT MAXILLARY SINUS", "30588-8"),
        ("PT", "PET OVARY", "44136-0"),  # a cancer's site no PET code images: the region unsaid
        ("PT", "PET LUNGS", "57822-9"),  # one a PET code images: that region
    ],
    "4.47 to 4.50": [
        ("DX", "XR LEFT MIDDLE FINGER 3 VIEWS", "43490-2"),  # the fingers and toes by number (4.47)
        ("DX", "XR RIGHT INDEX FINGER", "38144-2"),
        ("DX", "XR FINGER(S) LEFT 2 VIEWS", "36656-7"),  # no number said: a finger's code
        ("CT", "CT LEFT INDEX FINGER WO", "87888-4"),
        ("MR", "MR RIGHT RING FINGER W WO", "69214-5"),  # no MR code names the finger: a finger's
        ("DX", "XR RIGHT GREAT TOE", "38152-5"),
        ("DX", "XR BILATERAL GREAT TOES", "37532-9"),
        ("DX", "XR LEFT 5TH TOE", "37530-3"),
        ("DX", "左足拇趾", "37533-7"),  # the foot's great toe: the great toe (not the thumb, 拇指)
        ("US", "OB US 1ST TRIMESTER", "80869-1"),  # a pregnancy's trimester, twins (4.47)
        ("US", "中晚孕 超声", "80866-7"),
        ("US", "US OB COMPLETE", "11525-3"),
        ("US", "US OB TWINS LIMITED", "80833-7"),
        ("US", "US OB FETAL ANOMALY", "80868-3"),
        ("NM", "NM MYOCARDIAL PERFUSION SPECT SESTAMIBI REST STRESS", "39727-3"),  # the tracer said (4.47)
        ("NM", "NM MYOCARDIAL PERFUSION REST STRESS", "39726-5"),  # unsaid: a code naming none (4.51: nor an agent)
        ("NM", "甲状旁腺 MIBI 显像", "44145-1"),
        ("NM", "SPECT HEART MYOVIEW", "39647-3"),
        ("CT", "penqctzengq", "24866-6"),  # a modality glued between the words (4.47)
        ("CT", "CHESTCTWO", "29252-4"),
        ("MR", "_t2of8MRI Stereo Gamma Knife gad", "30656-3"),  # radiosurgery's planning MR (4.48)
        ("MR", "MRI BRAIN STEREOTACTIC W", "30656-3"),
        ("MR", "MR STEREOTACTIC BIOPSY BRAIN", "36936-3"),
        ("CT", "CT STEREOTACTIC", "88321-5"),
        ("MG", "MG STEREO BIOPSY LEFT", "26338-4"),  # a mammogram's stereo biopsy: no stereotactic MG code
        ("CT", "CT_RF_ABLATION_LIVER", "44101-4"),  # a guided ablation
        ("CT", "Abdomen^12_5_Liver_Post_Ablation (Adult)", "24814-6"),  # an exam after one: not its guidance
        ("RF", "FL VERTEBROPLASTY LUMBAR", "70924-6"),
        ("RF", "FL KYPHOPLASTY THORACIC", "72553-1"),
        ("US", "THORACENTESIS LT 32555 US-CS", "24662-9"),  # the pleura and the pleural space
        ("US", "超声引导下胸腔穿刺", "24662-9"),
        ("CT", "CT PLEURAL BIOPSY", "37492-6"),
        ("CT", "CT GUIDED LUNG BIOPSY", "35895-2"),
        ("DX", "XR CHEST POST THORACENTESIS", "30745-4"),  # a film after the tap: the chest's
        ("US", "超声引导下甲状腺结节穿刺", "25009-2"),  # 穿刺, a needle puncture: a biopsy (4.49)
        ("CT", "CT引导下肺穿刺", "35895-2"),
        ("CR", "CHEST, CHEST PA", "24648-8"),  # a PA chest film is taken erect (4.50)
        ("DX", "XR CHEST PA AND LATERAL", "42272-5"),  # the code naming no position, where one is
        ("DX", "XR HAND PA", "36621-1"),  # other regions' PA: no position
    ],
    "4.51": [
        ("CT", "CT CORONARY", "79073-3"),  # the coronary arteries in CT: an angiogram (4.51)
        ("CT", "CARDIAC^CORONARY_PROSPECTIVE (ADULT)", "79073-3"),
        ("CT", "CT CORONARY CALCIUM SCORE", "79087-3"),  # unless a calcium score is said
        ("NM", "NM MYOCARDIAL PERFUSION ADENOSINE", "39701-8"),  # a pharmacologic stress agent (4.51)
        ("NM", "NM MYOCARDIAL PERFUSION REST AND DIPYRIDAMOLE", "39722-4"),
        ("NM", "SPECT HEART PERSANTINE SESTAMIBI", "44154-3"),
        ("NM", "心肌灌注 腺苷负荷", "39701-8"),
        ("NM", "NM TC-HIDA SCAN", "43557-8"),  # hepatobiliary scintigraphy
        ("NM", "肝胆动态显像", "43557-8"),
        ("NM", "NUC MED LYMPHOSCINTIGRAPHY", "81593-6"),
        ("MR", "MR RIGHT THUMB WO IV CONTRAST", "69216-0"),  # no MR code names the thumb: a finger's, in review
        ("CR", "XR LEFT THUMB 3 VIEWS", "36315-0"),
        ("DX", "PYELOGRAM, IV W/TOMO", "37607-9"),  # an intravenous pyelogram's radiographs, its tomograms
        ("CR", "XR IVP W TOMOGRAMS", "37607-9"),
        ("DX", "静脉肾盂造影", "37607-9"),
        ("CT", "静脉肾盂造影", "36813-4"),  # in CT: the abdomen and pelvis
        ("MG", "MAMMO SCREENING BILAT TOMO", "72142-3"),  # in a mammogram TOMO is the tomosynthesis
    ],
    "4.52": [
        ("RF", "FL UGI", "42459-8"),  # the upper gastrointestinal tract in fluoroscopy (4.52)
        ("RF", "上消化道造影", "42459-8"),
        ("RF", "钡餐", "42459-8"),
        ("RF", "UGI W SMALL BOWEL FOLLOW THROUGH", "43574-3"),
        ("RF", "SMALL BOWEL FOLLOW THROUGH", "24924-3"),
        ("RF", "BARIUM ENEMA", "24667-8"),  # a contrast enema
        ("RF", "钡灌肠", "24667-8"),
        ("RF", "AIR CONTRAST BARIUM ENEMA", "46357-0"),
        ("RF", "BARIUM SWALLOW", "24678-5"),
        ("RF", "FL HYSTEROSALPINGOGRAM", "25022-5"),  # a hysterosalpingogram
        ("RF", "子宫输卵管造影", "25022-5"),
        ("CT", "PET/CT HEART PERFUSION PHARMACOLOGIC STRESS", "82801-2"),  # a PET/CT's CT: without contrast (4.52)
        ("DX", "XR KUB UPRIGHT, ABDOMEN 1 VIEW", "37046-0"),  # the one view the code names
    ],
    "4.55": [
        ("DX", "DEXA SCAN", "38268-9"),  # bone densitometry (4.55): no site said, the skeleton's code
        ("BMD", "DXA BONE DENSITY", "38268-9"),
        ("DX", "骨密度测定", "38268-9"),
        ("DX", "BONE MINERAL DENSITY DXA AXIAL SKELETON (ROUTINE)", "83012-5"),
        ("DX", "DXA PERIPHERAL SKELETON", "83013-3"),
        ("CT", "QCT LUMBAR SPINE", "79090-7"),  # quantitative CT
        ("DX", "XR LUMBAR SPINE 2 VIEWS", "36670-8"),  # a radiograph: no density code
    ],
    "4.69": [
        ("CT", "腰锥CT平扫", "30620-9"),  # a wrong character of the same sound: 锥 (ZHUI) for 椎 (4.69)
        ("MR", "前列线MR增强", "36244-2"),  # 线 (XIAN) for 腺
        ("MR", "子宫付件MR平扫", "30673-8"),  # 付 (FU) for 附: 附件, the adnexa (the pelvis)
        ("DX", "左膝关节正侧位", "26395-4"),  # 正侧位: two views (4.70: the labels accept the count, not always AP)
        ("CR", "腰椎正侧位", "36670-8"),
        ("DX", "胸部正侧位", "36643-5"),
        ("CT", "胸腰段CT平扫", "83310-3"),  # the thoracolumbar segment of the spine, not the chest
        ("CT", "腰4-5椎间盘CT平扫", "30620-9"),  # L4-5 discs: the lumbar spine
        ("CT", "肝脏多期增强CT", "24815-3"),  # the phases after the injection: with contrast
        ("CT", "肝脏CT平扫+三期增强", "30612-6"),  # the plain phase said: without and with
        ("CR", "鼻窦华氏位", "37863-8"),  # 华氏位: the Waters view
        ("US", "腹部彩超（肝胆胰脾肾）", "24558-9"),  # the abdominal organs listed with the kidneys: the abdomen
        ("MR", "上腹部MR平扫+MRCP", "58740-2"),  # the abdomen and its ducts, kept together
        ("NM", "心肌灌注显像", "39716-6"),  # a stress study is said (rule 2), not implied
        ("NM", "肾动态显像", "81546-4"),  # the kidneys' flow and function
        ("US", "心脏彩超", "80859-2"),  # 彩超: colour Doppler
    ],
    "4.70": [
        ("MR", "TOULU MR PS", "30657-1"),  # 平扫 and 增强 by their pinyin initials (4.70)
        ("MR", "PENQIANG MR PS+ZQ", "30674-6"),
        ("CT", "GZDM CTA", "79073-3"),  # 冠状动脉 by its initials
        ("CT", "CorCTA retro", "79073-3"),
        ("CR", "颈椎开口位", "98359-3"),  # the open-mouth (odontoid) view
        ("MR", "内耳道MR水成像", "35956-2"),  # the internal auditory canal
        ("XA", "全脑血管造影", "37173-2"),  # the whole brain's DSA
        ("CT", "结肠CT仿真内镜", "60515-4"),  # virtual endoscopy of the colon: a CT colonography
        ("US", "双下肢动静脉彩超", "39422-1"),  # arteries and veins: the vessels
        ("CT", "CT L4-5", "24963-1"),  # lumbar levels
        ("MR", "Breast^Dynamic Bilat", "36150-1"),  # a dynamic MR: with contrast
        ("CT", "CT Dynamic Chest", "24627-2"),  # a CT's "dynamic": not read so
        ("MR", "前列腺MR多参数(mpMRI)", "30675-3"),  # multiparametric: contrast said apart
        ("MR", "主动脉MRA", "35946-3"),  # the aorta: its thoracic and abdominal parts
        ("CT", "头颅平扫+CTA", "30593-8"),  # a plain head, then an angiogram: without and with
        ("MR", "头颅MR平扫+MRA", "36881-1"),  # an MR angiogram after a plain MR: not so
        ("CT", "颅脑CT灌注成像+CTA", "90352-6"),  # perfusion and an angiogram: the stroke CT
        ("CT", "全腹部CT平扫+增强（动脉期+门静脉期）", "42274-1"),  # the portal venous phase is a phase, not a vessel
        ("MR", "脑血管壁高分辨MR", "24590-2"),  # the vessel wall: not an angiogram
        ("DX", "双膝关节负重正位", "26358-2"),  # weight-bearing: standing
        ("MG", "乳腺导丝定位", "24595-1"),  # a wire localization
    ],
    "4.71": [
        ("CT", "左膝关节CT平扫 胫骨平台骨折", "36507-2"),  # the order's reason: not the exam's site (4.71)
        ("MR", "右肘关节MR平扫 肱骨外上髁炎", "36448-9"),
        ("MR", "骶髂关节MR平扫 强直性脊柱炎?", "36502-3"),
        ("CT", "胸部CT平扫 上腹部CT平扫", "42276-6"),  # a later part naming a modality is an exam of its own
        ("MG", "乳腺钼靶 左侧 加压点片", "37553-5"),  # a later part naming no region is read (the side, a spot view)
        ("CT", "颅脑CTA 动脉瘤", "36830-8"),  # an aneurysm: a finding, not the arteries
        ("MR", "肝脏MR平扫 肝血管瘤", "30669-6"),  # a haemangioma: not an angiogram
        ("MR", "肛瘘MR平扫+增强", "30674-6"),  # an anal fistula: the perianal region, the pelvis's code
    ],
    "4.72": [
        ("CR", "颈椎正侧位+双斜位", "36331-7"),  # a frontal and a lateral view, then both obliques: four views (4.72)
        ("DX", "颈椎双斜位+正侧位", "36331-7"),  # in either order
        ("DX", "JINGZHUI ZHENGCEWEI+SHUANG XIEWEI", "36331-7"),
        ("DX", "左膝关节正侧位", "26395-4"),  # alone, two views (convention F)
        ("DX", "胸部正侧位", "36643-5"),
    ],
    "4.73": [
        ("MR", "子宫MR平扫+增强", "36413-3"),  # the uterus's MR (4.73)
        ("MR", "子宫附件MRI平扫+增强", "30674-6"),  # the uterus and adnexa: the pelvis
        ("US", "子宫附件彩超（经阴道）", "24677-7"),
        ("CT", "胸部CT平描", "29252-4"),  # 平描: 扫 typed as 描
        ("MR", "骶尾部MR", "36059-4"),
        ("MG", "乳腺X线引导下定位（左）", "26316-0"),  # a localization under guidance
        ("CT", "CT尿路造影", "44115-4"),  # a CT urography named in Chinese: its phases unsaid
    ],
    "4.74": [
        ("PT", "PET CT FDG ONCOLOGY", "44136-0"),  # a PET naming no region: not assumed the whole body (4.74)
        ("PT", "PET CT WHOLE BODY FDG", "81555-5"),  # the whole body said
        ("MR", "MRI BREAST IMPLANTS WITHOUT CONTRAST", "69191-5"),  # the breast named with its implant
        ("DX", "XR CHEST AND ABDOMEN PORTABLE", "42269-1"),  # a bedside chest with the abdomen: no view count assumed
        ("CT", "CT HAED W CONTRAST", "24727-0"),  # a four-letter word, two neighbours swapped
        ("XA", "IR PORT PLACEMENT", "86407-4"),  # a venous access line placed under fluoroscopy
        ("CT", "CT PNS", "30588-8"),  # the paranasal sinuses
        ("MR", "MRI BRAIN LIMITED DWI ONLY", "36105-5"),  # a diffusion series alone: without contrast
        ("CT", "CT PERFUSION HEAD", "24728-8"),  # a perfusion CT's contrast unsaid: the code silent on it first
        ("MR", "MR FIBROIDS", "42301-2"),  # fibroids: the uterus where no region is said...
        ("MR", "MRI PELVIS FIBROID MAPPING", "24867-4"),  # ... the pelvis where it is
        ("MR", "CMR VIABILITY", "24748-6"),  # cardiac MR
        ("CT", "CT TORSION STUDY LOWER LIMBS", "35971-1"),  # femoral and tibial version: the lower extremity
        ("CT", "NAO CT PINGSAO", "30799-1"),  # 脑 alone in pinyin
    ],
    "4.75": [
        ("CT", "CT HEAD + C-SPINE WO", "82690-9"),  # + C-SPINE: the cervical spine, not C+ (4.75)
        ("CT", "CHEST (THORAX) +C-CT", "24628-0"),  # +C then the modality: with contrast (4.76)
        ("CT", "CT MAXILLA AND MANDIBLE", "36049-5"),  # two regions a code names together, not their common part
        ("CT", "CT DENTAL MAXILLA/MANDIBLE", "36049-5"),  # dental: the teeth only where no region is said
        ("CT", "CT DENTAL", "79095-6"),
        ("CT", "CT LA/PV PRE-ABLATION", "87839-7"),  # the left atrium and pulmonary veins before an ablation
        ("PT", "PET-CT FDG HALF BODY", "81554-8"),  # a PET's half body: the skull base to the mid-thigh
        ("CT", "CT CHEST HI RES W/ EXP", "29252-4"),  # W EXP: expiration, not contrast
        ("CT", "CT CHEST INSPIRATION EXPIRATION", "89860-1"),
        ("CR", "XR BABYGRAM", "42269-1"),  # a newborn's chest and abdomen
        ("MG", "MAMMO CALLBACK LT", "26347-5"),  # a recall from screening: diagnostic
        ("MG", "MG SYMPTOMATIC BILATERAL", "26346-7"),
        ("CT", "CTA EVAR F/U", "82677-6"),  # an endovascular repair's follow-up: the abdominal aorta
        ("DX", "XR ACUTE ABD SERIES", "83017-4"),  # the abdomen supine and upright, and a chest view
        ("MR", "MRI BRAIN W/WO CONTRAST METS SRS PLANNING", "44122-0"),  # radiosurgery planning: a localization
        ("CT", "CT TRAUMA PAN SCAN", "46305-9"),  # the whole body
        ("NM", "NM DATSCAN", "39638-2"),  # ioflupane I-123 SPECT of the brain
        ("CT", "CTA AORTA DISSECTION PROTOCOL", "36141-0"),  # the aorta said whole stays whole
        ("CT", "CT TAVR PROTOCOL", "58744-4"),  # a valve replacement planned, no region: the heart
        ("CT", "C/A/P TAVR OP", "86983-4"),  # with its access route's regions: their angiogram
    ],
    "4.76": [
        ("MR", "MRT Knie li.", "26257-6"),  # German re./li. (4.76)
        ("CT", "DT hjärna utan kontrast", "30799-1"),  # Swedish
        ("CT", "CT hrudníku s k.l.", "24628-0"),  # Czech: s kontrastní látkou
        ("CT", "Pään TT natiivi", "30799-1"),  # Finnish
        ("MR", "Térd MR jobb", "26258-4"),  # Hungarian
        ("CT", "Mellkas CT kontrasztanyaggal", "24628-0"),
        ("DX", "OSG re. 2 Eb.", "26387-1"),  # oberes Sprunggelenk in two planes
        ("CT", "TC TORACE-ADDOME CON E SENZA MDC", "42277-4"),  # Italian: with and without contrast
        ("CT", "CT Thorax LAE-Ausschluss", "79077-4"),  # a pulmonary embolism ruled out
        ("XA", "Koronarangiographie", "37174-0"),
        ("CT", "Angio-TDM TSA et polygone de Willis", "37498-3"),  # the supra-aortic trunks and the circle of Willis
        ("NM", "Skelettszintigraphie Ganzkörper", "39818-0"),
        ("MG", "Mammographie bilatérale de dépistage", "26175-0"),
        ("US", "Hüftsonographie nach Graf bds.", "26250-1"),
        ("RF", "Tránsito esofagogastroduodenal", "42459-8"),
        ("MR", "RM spalla sx", "26268-3"),
        ("CR", "Hand rechts 2 richtingen", "26390-5"),  # Dutch: two views
        ("CT", "CT CWK", "24932-6"),  # cervicale wervelkolom
        ("DX", "Keuhkokuva", "30745-4"),  # a Finnish chest radiograph
        ("PT", "PET-TC FDG cuerpo entero", "81555-5"),
        ("CR", "Radiographie du thorax face + profil", "36643-5"),  # face et profil: two views
        ("CR", "RADIO THORAX FACE", "36554-4"),  # de face: one frontal view
        ("DX", "Rx columna lumbar AP/L", "24970-6"),
        ("CT", "CT FACE", "24696-7"),  # in English the face stays a region
    ],
    "4.77": [
        ("CT", "Pea KT ilma kontrastita", "30799-1"),  # a phrase's word not corrected to another word (4.77)
        ("CT", "TC ADDOME COMPLETO SENZA E CON MDC", "42274-1"),  # COMPLETO, not COMPLETE
        ("MR", "MR ledvene hrbtenice", "24968-0"),
        ("CT", "CT PULMNARY ANGIO", "36147-7"),  # a slip outside the phrases still read
        ("MR", "RMN genou D", "26258-4"),  # D: droit, after the anatomy
        ("MR", "RM HOMBRO IZQDO.", "26268-3"),
        ("MR", "MRT Schädel nativ + KM", "24587-8"),  # nativ + KM: without and with
        ("CT", "Torace^01_TORACE_MDC (Adulto)", "24628-0"),  # MDC: mezzo di contrasto
        ("CT", "TC de tórax baja dosis", "29252-4"),  # low dose: the chest without contrast (convention H)
        ("CT", "Biopsia polmonare TC-guidata", "35895-2"),
        ("CT", "CT-geleide leverbiopsie", "24812-0"),
        ("DX", "RX RODILLA IZQ AP Y LAT", "36710-2"),
        ("DX", "Rx Tórax PA e Perfil", "42272-5"),
        ("MG", "Mammo bilat + tomosynthèse", "86463-7"),
        ("NM", "Myokardszintigraphie Belastung/Ruhe", "39726-5"),
        ("US", "ECHO-DOPPLER VEINEUX MEMBRES INFERIEURS", "39420-5"),
        ("XA", "ARTERIOGRAFIA MMII", "37487-6"),
        ("CR", "RX pols links", "26170-1"),
        ("MR", "NMR schouder rechts", "26270-9"),
    ],
    "4.78": [
        ("CT", "CTA aorta abdominalis", "82677-6"),  # Latin (4.78)
        ("CT", "ANGIO-TC AORTA TORACO-ADDOMINALE", "36141-0"),
        ("CT", "Coroscanner", "79073-3"),
        ("CT", "Has-kismedence CT kontrasztanyaggal", "36813-4"),  # Hungarian: the abdomen and pelvis
        ("CT", "TC MASSICCIO FACCIALE", "24696-7"),
        ("DX", "RTG kolene vpravo 2 projekce", "26396-2"),
        ("MG", "MAMOGRAFIA BILATERAL + TOMOSSÍNTESE", "86463-7"),
        ("MR", "Lanneranka MT", "24968-0"),
        ("MR", "MR mozku nativ + KL", "24587-8"),  # Czech: without and with contrast
        ("MR", "MR-Mammographie bds. dynamisch", "36150-1"),  # dynamic: contrast-enhanced phases
        ("MR", "MRA Halsgefäße und intrakraniell", "42304-6"),
        ("RF", "ESOFAGOGRAMA BARITADO", "24678-5"),
    ],
    "4.79": [
        ("CT", "Αξονική τομογραφία θώρακος με σκιαγραφικό", "24628-0"),  # Greek letters (4.79)
        ("MR", "Μαγνητική τομογραφία γόνατος αριστερού", "26257-6"),
        ("CT", "CT ΑΝΩ-ΚΑΤΩ ΚΟΙΛΙΑΣ", "44115-4"),  # the upper and lower abdomen
        ("CT", "КТ головного мозга без контрастирования", "30799-1"),  # Russian
        ("MR", "МРТ поперекового відділу хребта", "24968-0"),  # Ukrainian
        ("DX", "Рентгенография органов грудной клетки в двух проекциях", "36643-5"),
        ("CT", "КТ на корем с контраст", "79103-8"),  # Bulgarian
        ("MR", "МР лумбосакралне кичме", "24968-0"),  # Serbian
        ("CT", "Krūškurvja DT ar kontrastu", "24628-0"),  # Latvian
        ("MR", "Galvos MRT", "24590-2"),  # Lithuanian
        ("MR", "RM spalla dx", "26270-9"),  # Italian destro in an MR
        ("MG", "MG DX BILATERAL", "26346-7"),  # in mammography DX stays the diagnostic study
        ("CT", "TC crânio-encefálica s/ contraste", "30799-1"),  # sem contraste: not contrast-enhanced
        ("RF", "Clisma opaco", "24667-8"),
        ("CR", "Hand li dv + schräg", "26389-7"),  # dorsovolar and oblique: two views
        ("DX", "胸部后前位+侧位", "42272-5"),  # 后前位: PA
        ("DX", "颈椎正侧位+张口位", "24941-7"),  # a count of two and a view apart: three views
        ("MR", "胎盘MRI", "42301-2"),  # the placenta: the uterus
        ("MR", "胸腰椎MRI平扫", "36531-2"),  # no code names both parts without contrast: the spine's
        ("MR", "MRT HWS/BWS nativ", "43457-1"),  # the regions said, and no more, first
    ],
    "4.80": [
        ("MR", "MRI C/T/L SPINE WO", "30854-4"),  # the whole spine said letter by letter
        ("CT", "CT L SPINE", "24963-1"),  # CT then a lone L: not C, T and L
        ("CT", "CT LSPINE WITHOUT CONTRAST", "30620-9"),
        ("MR", "MR C-T-L SPINE W/WO", "30855-1"),
        ("XA", "IR CHEMOEMBOLIZATION LIVER (TACE)", "25076-1"),  # through the hepatic artery
        ("XA", "UTERINE FIBROID EMBOLIZATION", "37979-2"),
        ("US", "幽门超声", "39415-5"),  # the pylorus
        ("RF", "BARIUM ENEMA AIR CONTRAST", "46357-0"),
        ("NM", "NM MYOCARDIAL PERFUSION SPECT REST/STRESS", "39724-0"),  # SPECT said: the SPECT code
        ("CT", "颈锥CT", "24932-6"),  # 锥 typed for 椎 after 颈, which alone is the neck
        ("CT", "骨盘CT", "24865-8"),  # 盆 typed as 盘
        ("MG", "体检乳腺钼靶", "26175-0"),  # a health check's mammogram: screening
        ("MG", "左侧乳腺钼靶 CC+MLO", "36642-7"),  # the craniocaudal and oblique views: two
        ("CT", "入院筛查胸部CT平扫", "29252-4"),  # a screening on admission is no screening protocol
        ("CT", "急诊 胸痛三联CTA", "87842-1"),
        ("US", "体检彩超 肝胆脾胰双肾", "24558-9"),
        ("PT", "PET-CT 头部+全身", "44139-4"),  # the head and the whole body: the whole body's code
        ("NM", "SPECT/CT 骨断层融合", "90312-0"),  # a bone SPECT fused with its CT
    ],
    "4.81": [
        ("MR", "RM colonna lombare senza mdc", "30679-5"),  # Italian
        ("MR", "RM cranio-encefalica c/ gadolinio", "24589-4"),  # com (con) gadolinio: with contrast
        ("CT", "TC TORAX ALTA RESOLUCION", "29252-4"),  # high resolution: the chest's HRCT
        ("CT", "TDM TAP 3 temps", "72254-6"),  # three phases after the injection
        ("CT", "TDM des rochers", "36773-0"),
        ("RF", "TOGD", "42459-8"),
        ("RF", "Breischluck", "24678-5"),
        ("MR", "MRI lumbale wervelkolom", "24968-0"),
        ("DX", "Rtg thorax to plan", "36643-5"),  # two planes
        ("MR", "Lumbalis gerinc MR", "24968-0"),  # Hungarian
        ("DX", "RTG kolenního kloubu l. sin.", "36636-9"),  # Czech; l. sin.: the left side
        ("CT", "TC torax sin contraste", "29252-4"),  # SIN alone is not the left side
        ("MR", "IRM genunchi drept", "26258-4"),  # Romanian
        ("CT", "КТ на бял дроб с контраст", "24628-0"),  # Bulgarian
        ("MR", "桥小脑角区MR增强", "36243-4"),  # the cerebellopontine angle: the posterior fossa
        ("MR", "脑肿瘤多模态MR（DWI+PWI+MRS）", "99703-1"),  # PWI: a perfusion MR
        ("MR", "急性卒中MR（DWI+FLAIR+MRA）", "30856-9"),
        ("MR", "盆底动态MRI", "24867-4"),  # the pelvic floor's dynamic MR: no contrast
        ("XA", "支气管动脉栓塞术", "38119-4"),
        ("MR", "前列腺MR平扫+DWI+DCE", "36389-5"),  # DCE: with contrast, after the plain series
        ("CT", "CABG术后桥血管CTA", "79073-3"),
        ("DX", "脊柱全长正侧位 DR拼接", "43784-8"),
    ],
    "4.82": [
        ("NM", "肺灌注/通气显像", "39942-8"),  # the ventilation and perfusion said apart: both, not one dropped
        ("NM", "Lung perfusion + ventilation scan", "39942-8"),
        ("NM", "肺灌注显像", "39697-8"),  # the perfusion alone stays the perfusion's
        ("CT", "右肩关节CT造影", "36131-1"),  # 造影 after a joint: its arthrogram
        ("MR", "膝关节MR造影", "36125-3"),
        ("CT", "TC RODILLA C/C", "36222-8"),  # C/C: con contraste
        ("CT", "TC CRANEO S/C", "30799-1"),  # S/C: sin contraste
        ("CT", "CCT nativ", "30799-1"),  # CCT: a cranial CT
        ("CT", "CCT- ABD", "41806-1"),  # ... unless another region is said
        ("CT", "CT ABDOMEN/RENAL", "41806-1"),  # the abdomen said with the kidney: no kidney code without contrast
        ("CT", "ABDOMEN^KIDNEY_PROTOCOL", "41806-1"),  # (the protocol tree's folder said with its part)
        ("CT", "CT renal", "43768-1"),  # the kidney alone stays the kidney's
        ("DX", "RX GOMITO DX", "26111-5"),  # DX after the anatomy: destro
        ("DX", "DX KNEE 2 VIEWS", "24806-2"),  # DX first: the radiograph
        ("CT", "TC fegato trifasica", "24815-3"),
        ("CT", "CT Oberbauch 3-phasig", "79103-8"),
        ("CT", "CT prsnega koša", "24627-2"),  # Slovene
        ("CT", "Angio-TC artere pulmonare", "36147-7"),  # Romanian
        ("MG", "Mamografía de cribado", "26175-0"),  # cribado, rastreio: a screening
        ("MG", "Mammografia obu piersi", "36626-0"),  # both breasts
        ("MR", "Angio-RM intracranica", "30856-9"),
        ("MR", "MRT nimmelüli", "24968-0"),  # Estonian
        ("MR", "RM colonna cervicale s/mdc", "30667-0"),  # s/mdc: senza mdc
        ("NM", "Cintilografia de perfusão pulmonar", "39697-8"),
        ("PT", "PET/TC 18F-colina", "44136-0"),  # choline: not FDG
        ("RF", "CUMS", "43559-4"),  # cistouretrografía miccional seriada
        ("US", "Ecografia della tiroide", "25010-0"),
        ("CT", "CT virtual bronchoscopy", "24627-2"),
        ("CT", "胸部CT仿真支气管镜", "24627-2"),
        ("US", "FAST exam", "30704-1"),  # focused assessment with sonography in trauma
        ("MR", "MR NEURO ONC PROTOCOL", "24590-2"),
        ("MR", "MRI defecography", "24867-4"),
        ("CT", "右裸关节CT", "35944-8"),  # 踝 typed as 裸
        ("RF", "全消化道钡餐造影", "43574-3"),  # the upper tract followed through the small bowel
        ("DX", "RX polso sx", "26170-1"),  # the limbs' words in the European languages
        ("DX", "Rx codo izquierdo", "26110-7"),
        ("DX", "RX Schlüsselbein rechts", "26108-1"),
        ("DX", "X elleboog links", "26110-7"),
        ("DX", "RTG stawu łokciowego", "24676-9"),
        ("DX", "Röntgen handled höger", "26171-9"),
        ("DX", "RTG hlezna vpravo", "26099-2"),
    ],
    "4.83": [
        ("DX", "RTG kolenního kloubu vpravo", "37758-0"),  # the body's regions in 26 languages
        ("CT", "CT Schläfenbein", "36773-0"),
        ("CT", "TC seni paranasali", "30588-8"),
        ("MR", "MRT kolana lewego", "26257-6"),
        ("CT", "KT koko vartalo", "46305-9"),
        ("DX", "RTG S+P", "30745-4"),  # Czech: srdce a plíce, the chest film
        ("MR", "MR lumbalne kralježnice", "24968-0"),
        ("DX", "Radiografie pulmonară", "30745-4"),
        ("CT", "Keuhkovaltimoiden TT-angiografia", "36147-7"),
        ("CT", "CT-colografie", "60515-4"),
        ("MR", "MR kolena vľavo", "26257-6"),
        ("MR", "MR-Angiographie Kopf (TOF)", "36881-1"),  # time of flight: without contrast
        ("CR", "RX EDAD OSEA", "24724-7"),
        ("CT", "Rindkere KT kontrastainega", "24628-0"),
        ("RF", "HISTEROSALPINGOGRAFIA", "25022-5"),
        ("CT", "ANGIOSCANNER AORTE THORACO-ABDOMINALE", "36141-0"),
        ("CT", "TC TORACOABDOMINAL AMB CONTRAST", "42275-8"),
        ("XA", "IR Uterine Fibroid Embolisation", "37979-2"),
        ("US", "US Nuchal Translucency", "80869-1"),
        ("MG", "MG Wire Localisation Left", "26316-0"),
        ("MR", "MRA Aorta Thoracic W/WO", "36274-9"),
        ("CT", "CT SCAPHOID RIGHT", "37433-0"),
        ("CT", "Abdomen^BRZUCH_BOLUS_FAZA_TRZUSTKA (Adult)", "79103-8"),  # the pancreatic phase, not the pancreas
        ("CT", "CT Guidance for biopsy of Spinal cord", "24986-2"),  # (not CORD: the heart in Romanian)
    ],
    "4.84": [
        ("DX", "WANZHOUGU ZHENGWEI", "37925-5"),  # 舟骨's pinyin the radiograph's scaphoid view again
        ("DX", "腕舟骨正位", "37925-5"),
    ],
    "4.85": [
        ("DX", "Cheville G F/P", "26386-3"),  # a side letter after a paired part, the views said after it
        ("DX", "Poignet D face profil", "37826-5"),
        ("DX", "KNEE R AP LAT", "37745-7"),
        ("DX", "Genou D face + profil + défilé fémoro-patellaire", "37749-9"),  # défilé fémoro-patellaire: sunrise
        ("DX", "L SPINE AP LAT", "24970-6"),  # L before the spine stays the lumbar spine
    ],
    "4.86": [
        ("MR", "NEIER MR", "35956-2"),  # 内耳: the internal auditory canal in MR, its second entry now in pinyin too
        ("CT", "ZHUIGUANZAOYING CT", "28566-8"),  # 椎管造影 in CT: a CT myelogram, the spine
        ("MR", "ZIGONG MR ZENGQIANG", "36265-7"),  # 子宫: an anatomy word and a term; the uterus, not the pelvis
        ("NM", "XIAOHUADAOCHUXIE", "81544-9"),  # 消化道出血 in NM: the bleeding scan
    ],
    "4.87": [
        ("CT", "CT THORACIC AND LUMBAR SPINE", "28566-8"),  # every code naming both states a contrast: the spine's
        ("CT", "全脊柱CT三维重建", "28566-8"),
        ("CT", "全脊柱CT平扫", "86987-5"),  # the contrast said: the three parts' code
        ("MR", "MRI L/S SPINE", "24968-0"),  # the lumbar spine's code is as close: no holding region
        ("MR", "CARDIAC MRI LGE", "36197-2"),  # late gadolinium enhancement: with contrast
        ("MR", "心脏MR平扫+延迟强化", "36357-2"),
        ("CT", "上颌窦CT平扫", "36529-6"),  # a maxillary sinus: the sinuses
        ("MR", "视神经MR增强", "36820-9"),  # the optic nerves: the orbits
        ("MR", "MRI ACHILLES TENDON RT", "26210-5"),
        ("US", "US OB <14 WKS", "80869-1"),  # < before a number: less than
        ("US", "胎儿NT检查", "80869-1"),  # nuchal translucency: the first trimester
        ("MG", "左乳局部加压", "37553-5"),  # spot compression
        ("XA", "AORTOGRAM", "24658-7"),
        ("XA", "主动脉造影", "24658-7"),  # read whole, not 主 beside 动脉造影
        ("MR", "MRI PROSTATE BPMRI", "36519-7"),  # biparametric: without contrast
        ("MR", "MR glave s KS", "24589-4"),  # s kontrastnim sredstvom
        ("CT", "CT angiografija plućnih arterija", "36147-7"),
        ("MR", "MR levého ramene", "26268-3"),  # inflected forms: genitive after the modality
        ("MR", "Polven MT oik", "26258-4"),
        ("CR", "Bal csukló 2 irányú", "37483-5"),  # 2 irányú: two views
        ("DX", "Thorax pa + sivu", "42272-5"),  # sivu: the lateral
        ("CR", "Lonkkien rtg", "26130-5"),  # the hips in the plural: both sides
        ("CR", "Rtg kyčelních kloubů", "26130-5"),
        ("MR", "MR kolena", "24802-1"),  # the knee's genitive, not the plural
        ("MG", "Mammograafia mõlemad rinnad", "36626-0"),
        ("CT", "CT-kolonografi", "60515-4"),
        ("MR", "MR kolangiopankreatograafia", "37220-1"),
        ("RF", "Clisma opaco a doppio contrasto", "46357-0"),
        ("RF", "Øsofaguspassage", "24678-5"),
        ("NM", "Skeleta scintigrāfija", "39818-0"),
    ],
    "4.88": [
        ("CT", "CT HIP B/L", "36016-4"),  # B/L: both sides, not L the left
        ("US", "DOPPLER B/L LOWER LIMB VENOUS", "39420-5"),
        ("MG", "MAMMOGRAM B/L", "36626-0"),
        ("CT", "CT BRAIN PLAIN + CONTRAST", "24726-2"),  # plain and contrast: without and with
        ("CT", "CT WHOLE ABDOMEN WITH CONTRAST", "36813-4"),  # the whole abdomen: the abdomen and pelvis
        ("MR", "MRI C-SPINE & D-SPINE", "43457-1"),  # D SPINE: the dorsal spine
        ("CT", "CT DORSO LUMBAR SPINE", "28566-8"),
        ("CT", "CT GUIDED FNAC", "30580-5"),
        ("US", "USG KUB", "38036-0"),
        ("US", "ANOMALY SCAN (LEVEL II)", "80866-7"),
        ("US", "USG PELVIS (TVS)", "24677-7"),
        ("MR", "MRI CERVIX", "42301-2"),
        ("MR", "MRI FISTULOGRAM", "24867-4"),
        ("MR", "MRI TONGUE", "24839-3"),
        ("MR", "舌部MR增强", "24841-9"),
        ("CT", "CT DENTASCAN", "79095-6"),
        ("RF", "T管造影", "30647-2"),  # a T-tube cholangiogram
        ("CR", "RTG klatki piersiowej przyłóżkowe", "30746-2"),  # at the bedside: portable
        ("NM", "Gammagrafia òssia", "39818-0"),
        ("CT", "CT lumbale wervelzuil zonder contrast", "30620-9"),
        ("MR", "MRT Ganze Wirbelsäule", "42698-1"),  # the whole spine: its three parts
        ("MR", "RM sem e com gadolinio", "42298-0"),
        ("MG", "Mamografia de cribratge", "26175-0"),
    ],
    "4.89": [
        ("CT", "CTU 泌尿系成像", "36813-4"),  # CTU, in Chinese and European names: the enhanced CT's
        ("CT", "Uroscanner", "36813-4"),
        ("CT", "Uro-TC", "36813-4"),
        ("CT", "CT IVU", "36813-4"),
        ("CT", "CT UROGRAM", "42274-1"),  # the English name: without and with (unenhanced, nephrographic, excretory)
        ("XR", "UROGRAFIA", "37607-9"),  # a urography named alone in a radiograph: the intravenous urogram
        ("MR", "颈、胸、腰椎MR平扫", "30854-4"),  # levels listed before one 椎: each level's spine
        ("CT", "颈椎间盘CT（C3-C7）", "24932-6"),  # the cervical discs: the cervical spine, not the neck
        ("US", "US OB >= 14 WKS SINGLE GESTATION", "80866-7"),
        ("US", "US OB > 14 WKS", "80866-7"),
        ("DX", "RTG hrudníku vestoje", "36554-4"),  # vestoje: standing, as CHEST ERECT
        ("CR", "RTG LS páteře ve 2 projekcích", "36670-8"),
        ("DX", "RTG desne rame v 2 projekcijah", "37793-7"),
        ("MR", "MR mozku s kontrastní látkou", "24589-4"),
        ("CT", "Thoraxin ja vatsan TT, laskimovarjoaine", "42275-8"),  # laskimovarjoaine: intravenous contrast
        ("CT", "CT angiográfia - nyaki erek", "36234-3"),  # nyaki erek: the neck's vessels
        ("CT", "CT cervicalcolumna", "24932-6"),
        ("CT", "CT-Angiographie Aorta thoracoabdominalis", "36141-0"),
        ("CT", "DT lungartärer (LE)", "79077-4"),  # LE: lungemboli
        ("DX", "5137 Brustorgane-Übersicht in zwei Ebenen", "36643-5"),
        ("NM", "Luuston gammakuvaus", "39818-0"),
        ("NM", "Luustiku stsintigraafia", "39818-0"),
        ("US", "Doppler carotídeo", "24616-5"),  # carotídeo, left unread by two neighbours one slip away
        ("CR", "RTG desnega zapestja", "26171-9"),
    ],
    "4.90": [
        ("CT", "TS höfuð án skuggaefnis", "30799-1"),  # Icelandic; ð read as D
        ("MR", "Segulómun lendhryggur", "24968-0"),
        ("CT", "TS kviður og grindarhol með skuggaefni", "36813-4"),
        ("MR", "Segulómun vinstri öxl", "26268-3"),
        ("CR", "Röntgen ökkli vinstri", "26098-4"),
        ("NM", "Beinaskann", "39818-0"),
        ("US", "USG kakla asinsvadiem ar doplerogrāfiju", "44175-8"),  # the neck's vessels, not the carotids alone
        ("US", "UL halskärl doppler bilat", "44175-8"),
        ("CR", "RTG zdjelice i kukova", "30768-6"),  # kukova: the hips in the plural
        ("RF", "Pasáž GIT", "42459-8"),
        ("CT", "Kõhu KT 3 faasi (maks)", "24815-3"),  # three phases after the injection
        ("CT", "CT abdomen trifazic", "79103-8"),
        ("MG", "Mammografia skryningowa obustronna", "26175-0"),
        ("DX", "RTG kręgosłupa szyjnego AP i bok", "24942-5"),  # bok: the lateral
        ("NM", "Динамична бъбречна сцинтиграфия", "24776-7"),
        ("CR", "RTG pluća u postelji", "30746-2"),
        ("RF", "RTG polykacího aktu", "24682-7"),
        ("MG", "Mamografia + tomosyntéza bilat.", "86463-7"),
        ("CT", "Galvos smegenų KT perfuzija", "24728-8"),
        ("CT", "CTA hrudnej a brušnej aorty", "36141-0"),
        ("DX", "Rtg kne hø stående", "26087-7"),  # hø: høyre, the right
        ("MR", "ЯМР лумбален гръбначен стълб", "24968-0"),
        ("XA", "Aivovaltimoiden angiografia (DSA)", "37173-2"),
        ("NM", "Перфузиона сцинтиграфија плућа", "39697-8"),
        ("NM", "Renografi MAG3", "39746-3"),
        ("NM", "NM RENOGRAM MAG3", "39746-3"),
        ("CT", "CT urografija", "36813-4"),
        ("XA", "Angiografi benartärer hö med PTA", "47987-3"),
        ("CT", "DT vēdera dobumam un iegurnim, arteriālā un venozā fāze", "36813-4"),
        ("RF", "Іригоскопія з подвійним контрастуванням", "24667-8"),
        ("CT", "КТ ОЧП та ОМТ, артеріальна і венозна фази", "36813-4"),  # ОЧП, ОМТ: abdominal and pelvic organs
        ("MR", "MRI HAMSTRING RIGHT", "26237-8"),
        ("US", "US Hamstring Lt", "38040-2"),  # an ultrasound's: the leg (not an unspecified code emitted)
        ("US", "US MORPHOLOGY 20 WEEKS", "80866-7"),
        ("MR", "MRI PUBIC SYMPHYSIS", "24867-4"),
        ("MR", "Remnographie encéphalique sans injection", "30657-1"),  # remnographie: an MRI
    ],
    "4.91": [
        ("RF", "术后上消化道碘水造影", "42012-5"),  # 碘水: a water-soluble iodinated contrast
        ("RF", "吞咽功能造影(VFSS)", "24682-7"),
        ("MR", "心脏MR电影+LGE", "105168-9"),  # cine before the contrast, late enhancement after: without and with
        ("MR", "CARDIAC MRI CINE + LGE", "105168-9"),
        ("MR", "MR Cardiac Function & Viability", "105168-9"),
        ("MR", "MR HEART CINE", "37434-8"),  # cine alone: the contrast unsaid
        ("XA", "左侧精索静脉栓塞术", "37973-5"),  # a varicocele's embolisation: the testicular vessels
        ("XA", "VARICOCELE EMBOLIZATION", "37973-5"),
    ],
    "4.92": [
        ("NM", "Shintigrafi e kockave", "39818-0"),  # Albanian
        ("DX", "Grafi e kyçit të dorës së majtë AP/LAT", "38860-3"),
        ("MR", "Rezonance magnetike e kokes me kontrast", "24589-4"),
        ("CT", "Angio CT e arterieve pulmonare", "36147-7"),
        ("RF", "Grafi ezofag-stomak me barium", "42459-8"),  # the oesophagus and stomach: the upper GI tract
        ("RF", "RTG požiralnika in želodca z barijem", "42459-8"),
        ("RF", "Rtg pasaža jednjaka i želuca", "42459-8"),
        ("CT", "CT SIDER, ZAQQ U PELVI BIL-KUNTRAST", "72254-6"),  # Maltese
        ("US", "Ultrasound taż-żaqq", "24558-9"),
        ("MR", "MRI spalla leminija", "26270-9"),
        ("DX", "Rtg desnog stopala AP i kosi", "37697-0"),  # kosi: oblique
        ("CR", "Rtg lakta desno 2 pravca", "37681-4"),
        ("MR", "MR endokranijuma sa gadolinijumom", "24589-4"),
        ("DX", "Рендген на бели дробови ПА", "24648-8"),  # Macedonian
        ("MR", "МРИ на мозок со контраст", "24589-4"),
        ("DX", "Рендген на лев рачен зглоб AP/LAT", "38860-3"),
        ("CT", "КТ ангиографија на пулмонални артерии", "36147-7"),
        ("NM", "СЦИНТИГРАФИЯ НА СКЕЛЕТ", "39818-0"),
        ("CR", "ΑΚΤΙΝΟΓΡΑΦΙΑ ΛΕΚΑΝΗΣ ΙΣΧΙΩΝ", "30768-6"),  # the hips in the plural: both sides
        ("MR", "MRI ΓΟΝΑΤΟΥ ΔΕΞΙ", "26258-4"),
        ("MR", "Sol Omuz MR Artrografi", "36130-3"),  # Turkish
        ("DX", "XR C SPINE AP LAT PEG VIEW", "37103-9"),  # the peg view: the odontoid (PEG alone: a gastrostomy)
        ("CT", "CT tar-ras mingħajr kuntrast", "30799-1"),  # Ħ read as H
        ("CT", "CT tal-għonq bil-kuntrast", "36235-0"),
        ("DX", "SOL EL GRAFİSİ AP-OBLİK", "26389-7"),
        ("MR", "HİPOFİZ MR DİNAMİK", "36238-4"),  # dinamik: dynamic, enhanced phases
    ],
    "4.93": [
        ("CT", "頭部電腦斷層（無顯影劑）", "30799-1"),  # traditional characters; 電腦: a computer, not the brain
        ("CT", "腎上腺電腦斷層", "36930-6"),
        ("MR", "攝護腺磁振造影", "30675-3"),  # 攝護腺: the prostate (Taiwan)
        ("MR", "踝關節磁振造影", "24538-1"),  # the 造影 of 磁振造影 (MRI): not an arthrogram
        ("CT", "電腦斷層造影－有/無造影劑", "25045-6"),  # 有/無: with and without
        ("MR", "磁振造影-有造影劑", "49507-7"),
        ("DX", "胸部X光 正面及側面", "36643-5"),  # X光: an X-ray; frontal and lateral
        ("DX", "腹部X光 平躺", "36550-2"),  # 平躺: supine (one view)
        ("CT", "CT NASOPHARYNX (P+C)", "48443-6"),  # P+C: plain and contrast
        ("US", "產科超音波（第二孕期）", "80866-7"),
        ("NM", "心肌灌注掃描（運動）", "39730-7"),  # 運動: exercise, a stress study
        ("NM", "全身骨骼掃描", "39818-0"),
        ("CT", "冠狀動脈電腦斷層血管攝影", "79073-3"),
        ("CT", "胸腔高解析度電腦斷層", "29252-4"),  # 高解析度: high resolution
        ("MR", "肝臟磁振造影（含肝膽特異性顯影劑）", "36231-9"),  # a liver-specific agent: with contrast
        ("MR", "胰膽管磁振造影", "37220-1"),
        ("CT", "CT MASTOIDS", "46298-6"),  # a paired part in the plural: both sides
        ("DX", "XR MASTOIDS", "26139-6"),
        ("CT", "CT SCANOGRAM", "35973-7"),  # the legs' length
        ("MR", "MRI TEMPORAL LOBE EPILEPSY PROTOCOL", "24590-2"),
        ("CR", "X-RAY CALCANEUM LAT &  AXIAL", "36661-7"),
        ("US", "US Abdomen (Health Screening)", "24558-9"),  # a health check package: no screening protocol
        ("CT", "CT CISTERNOGRAPHY", "24725-4"),
        ("US", "USG GUIDED PLEURAL TAPPING", "24662-9"),
        ("NM", "DMSA SCAN", "41771-7"),  # DMSA: the kidneys
        ("XA", "CAG + PTCA", "37174-0"),  # CAG: a coronary angiogram
        ("CT", "TC CUORE CORONARIE", "79073-3"),
        ("US", "Echographie obstetricale 2eme trimestre", "80866-7"),
        ("US", "Ecografia obstètrica 20 setmanes", "80866-7"),
        ("US", "ECHO DOPPLER VEINEUX MI", "30881-7"),  # MI: membre inférieur
        ("CT", "CT Angiographie Hals-/Hirngefäße", "37498-3"),
        ("MR", "RM cerebral sen contraste", "30657-1"),  # sen: Galician, without
    ],
    "4.94": [
        ("US", "US SALINE INFUSION SONOHYSTEROGRAM", "30705-8"),  # the uterine cavity and tubes
        ("DX", "XR FOREIGN BODY SURVEY", "43468-8"),  # no region of its own, not a bone survey
        ("NM", "NM CYSTOGRAM", "25018-3"),  # a radionuclide cystogram: no contrast
        ("DX", "AXR", "37636-8"),
        ("RF", "Upper GI contrast study (malrotation)", "42459-8"),
        ("DX", "XR AIRWAY 2 VIEWS", "42438-2"),  # a child's airway: the neck
        ("RF", "FL NJ TUBE PLACEMENT", "30637-3"),
        ("DX", "XR NG TUBE POSITION", "43468-8"),  # a tube's position checked on a film: no region said
        ("RF", "FL WATER SOLUBLE CONTRAST ENEMA", "24669-4"),
        ("US", "US Dating Scan", "11525-3"),
        ("RF", "Pasaz przewodu pokarmowego", "42459-8"),
        ("CT", "CTA vratnih in intrakranialnih arterij", "37498-3"),
        ("NM", "Scintigrafija miokarda", "39650-7"),
        ("CT", "КТ ОГК низькодозова", "29252-4"),  # low dose: the chest without contrast
        ("DX", "RTG LS kralježnice AP i LL", "24970-6"),  # LL: latero-lateral
        ("MR", "Koponya MR natív + KA", "24587-8"),  # KA: kontrasztanyag
        ("MG", "Mammografia przesiewowa obu piersi", "26175-0"),
        ("RF", "Хистеросалпингография", "25022-5"),
        ("CT", "CTAG plicnice", "36147-7"),
        ("CT", "Has-kismedence CT natív + KA", "42274-1"),
        ("NM", "Perfuzijska scintigrafija pljuč", "39697-8"),
        ("NM", "Сцинтиграфія кісток скелета", "39818-0"),
        ("MR", "颈椎MR平扫+増强", "24937-5"),  # 増: the Japanese form of 增
    ],
    "4.95": [
        ("CT", "鼻咽+颈部CT增强", "24836-9"),  # the nasopharynx examined on its own, beside the neck
        ("CT", "CT NASOPHARYNX AND NECK W CONTRAST", "24836-9"),
        ("DX", "XR C SPINE AND L SPINE", "28613-8"),  # no radiograph code names both: the spine
        ("CT", "CT C SPINE AND L SPINE WO", "83305-3"),  # a CT code names both: kept
        ("US", "US Guided Ascitic Drain", "24559-7"),
        ("CT", "CT SIM BREAST DIBH", "24627-2"),  # a breast's planning CT: of the chest
        ("CT", "RT Planning CT Breast", "24627-2"),
        ("CT", "CT Thorax low dose TLHC", "79086-5"),
        ("NM", "NM GFR Measurement", "24776-7"),
        ("RF", "Water soluble contrast swallow", "24678-5"),
        ("NM", "NM LYMPHOSCINTIGRAPHY BREAST SENTINEL NODE", "81593-6"),
        ("RF", "空气灌肠复位", "46357-0"),
        ("MG", "乳腺钼靶定位(术前)", "24595-1"),
        ("US", "宫内孕确认超声", "11525-3"),
        ("US", "卵泡监测", "69390-3"),
        ("XA", "房间隔缺损封堵术", "24752-8"),  # a device closure: the heart's cine
        ("US", "四维彩超", "11525-3"),
        ("US", "剖宫产切口超声", "24869-0"),
        ("US", "肝胆脾超声", "24558-9"),
        ("US", "肠套叠超声", "24558-9"),
        ("CR", "双侧跟骨轴侧位", "48433-7"),
        ("US", "宫颈机能超声评估", "11525-3"),
        ("US", "妇科三维超声", "24869-0"),
        ("US", "产科彩超(孕22-26周)", "80866-7"),  # 22 weeks: the second trimester
        ("RF", "Микциона цистоуретрографија (МЦУГ)", "43559-4"),
        ("RF", "Рентгеноскопия на стомах и дуоденум", "42459-8"),
        ("MR", "MRI tal-irkoppa tax-xellug", "26257-6"),
        ("NM", "Scintigrafija štitaste žlijezde", "30695-1"),
        ("CR", "KEMIK YASI (SOL EL BILEK) GRAFISI", "26353-3"),
        ("PT", "PET/BT TUM VUCUT (FDG)", "81555-5"),
        ("CT", "TC a plamanilor", "24627-2"),
        ("DX", "Рендген на лев скочен зглоб", "26098-4"),
        ("CT", "TORAKS BT ANJIYOGRAFI", "36266-5"),
        ("DX", "RTG lumbosakralne kičme AP i profil", "103228-3"),
        ("DX", "Рентгенография на ляв глезен - фас и профил", "26386-3"),
        ("US", "Ехография - фетална морфология", "11525-3"),
        ("MR", "SERVIKAL MR", "24935-9"),
        ("CT", "TC organelor cavitatii abdominale cu contrastare", "79103-8"),
        ("CR", "Rg gambei drepte in 2 proiectii", "37815-8"),
        ("XA", "KORONER ANJIYOGRAFI", "37174-0"),
        ("MR", "MRI e shtyllës lumbosakrale", "24968-0"),
        ("MR", "ЯМР на ЛС отдел на гръбначния стълб", "24968-0"),
    ],
    "4.96": [
        ("RF", "胃肠造影(术后)", "42459-8"),
        ("US", "超声引导下胸腔穿刺置管引流术", "38142-6"),
        ("US", "右心声学造影(发泡试验)", "42148-7"),
        ("NM", "131I全身显像(甲癌术后)", "81588-6"),
        ("XA", "部分性脾栓塞术(PSE)", "24992-0"),
        ("XA", "下腔静脉滤器取出术", "69066-9"),
        ("XA", "下腔静脉滤器置入术", "69066-9"),
    ],
    "4.97": [
        ("US", "Ómun skjaldkirtill", "25010-0"),
        ("MR", "MR skulder ve", "26268-3"),
        ("DX", "Ranteen rtg vas", "26170-1"),
        ("MR", "MR holangiopankreatogrāfija", "37220-1"),
        ("CT", "TS kransæðar", "79073-3"),
        ("MG", "Mammografia, kliininen", "24605-8"),
        ("MG", "Brjóstamyndataka klínísk", "24605-8"),
        ("NM", "Skjelettscintigrafi", "39818-0"),
        ("CT", "Keuhkoembolia TT-angio", "79077-4"),
        ("RF", "Sväljningsröntgen", "24678-5"),
        ("CR", "Vaiko klubų rentgenograma", "26130-5"),
        ("RF", "Hüsterosalpingograafia", "25022-5"),
        ("MR", "Krūts dziedzeru MR", "30795-9"),
        ("DX", "Lungnamynd", "30745-4"),
        ("MR", "MR lifur", "36046-1"),
        ("CR", "Rtg thorax sengebilde", "30746-2"),
        ("MR", "Aivojen MK, tehosteaine", "24589-4"),
        ("CT", "TS lungnaslagæðar", "36147-7"),
        ("CR", "Kopsude rontgen voodis", "30746-2"),
        ("US", "Kaulasuonten UÄ doppler", "44175-8"),
        ("XA", "Porttikatetrin asennus", "86407-4"),
        ("CR", "Plaušu rtg palātā", "30746-2"),
        ("RF", "Skyggning vélinda", "24678-5"),
        ("CT", "Galvos ir kaklo arterijų KTA", "37498-3"),
        ("RF", "Nielemistutkimus", "24678-5"),
    ],
    "4.98": [
        ("US", "RUQ ULTRASOUND", "30704-1"),
        ("US", "US RIGHT UPPER QUADRANT", "30704-1"),
        ("CT", "STROKE PROTOCOL CT", "24725-4"),
        ("MR", "MR STROKE PROTOCOL", "24590-2"),
        ("CT", "CT LEFT TIBIAL PLATEAU", "36041-2"),
        ("DX", "XR TIBIAL PLATEAU RT", "37758-0"),
        ("XA", "VISCERAL ANGIOGRAM", "25030-8"),
        ("XA", "ANGIO VISCERAL EMBOLIZATION", "25030-8"),
        ("CT", "TAC DE CRANEO SIMPLE", "30799-1"),
        ("MR", "RM DE RODILLA IZQ SIMPLE Y CONTRASTADA", "26200-6"),
        ("CT", "TC DE TORAX C/CTE EV", "24628-0"),
        ("CT", "ANGIOTEM DE AORTA ABDOMINAL", "82677-6"),
        ("CT", "PIELOTAC SIMPLE", "36952-0"),
        ("XA", "CINECORONARIOGRAFIA IZQUIERDA", "37174-0"),
        ("NM", "CENTELLOGRAMA OSEO", "39818-0"),
        ("MG", "MASTOGRAFIA DE TAMIZAJE", "26175-0"),
        ("DX", "TELE DE TORAX PA", "24648-8"),
        ("DX", "RX ABDOMEN DE PIE", "37046-0"),
        ("MR", "RM DO PE DIREITO", "26243-6"),
        ("CT", "ANGIOTC TORAX TEP", "79077-4"),
        ("MR", "RM COLUMNA TOTAL", "42698-1"),
        ("US", "ULTRASSOM OBSTETRICO", "11525-3"),
        ("CT", "TC MASTOIDES", "46298-6"),
        ("CT", "ESCORE DE CALCIO", "79087-3"),
        ("DX", "RX MUNECA DER", "26171-9"),
        ("US", "DOPPLER CAROTIDAS Y VERTEBRALES", "44175-8"),
        ("PT", "FDG PET BRAIN", "44138-6"),
        ("MR", "MRI SIJS", "36031-3"),
        ("CT", "CT TALUS RT", "35944-8"),
        ("DX", "XR KNEE LT WB", "26086-9"),
        ("DX", "XR C SPINE AP LAT PEG", "37103-9"),
        ("CT", "CT SI JOINT INJECTION", "24901-1"),
        ("RF", "FLUORO EPIDURAL STEROID INJECTION", "37427-2"),
        ("CT", "上腹部CT平扫+曾强", "36267-3"),
        ("CT", "劲椎CT平扫", "30592-0"),
        ("RF", "钡剂灌肠造影", "24667-8"),
        ("DX", "Röntgen der Schulter", "24909-4"),  # German's article before the part: no side
        ("PT", "PET CT HEAD NECK FDG", "87905-6"),  # the head with the neck: a tumour's FDG PET/CT still
    ],
    "4.99": [
        ("MR", "MR hipofize dinamski", "36238-4"),
        ("DX", "RTG LS KICME AP I PROFIL", "103228-3"),
        ("DX", "RTG kolena AP in stransko", "36709-4"),
        ("CR", "RTG abdomena stojeći", "37046-0"),
        ("CR", "RTG karlice s kukovima", "30768-6"),
        ("US", "DOPLER VENA GORNJIH EKSTREMITETA", "30882-5"),
        ("CT", "CT AORTOGRAFIJA", "36141-0"),
        ("CT", "MSCT PULMONALNA ANGIOGRAFIJA", "36147-7"),
        ("CT", "CT koronare", "79073-3"),
        ("MR", "МРИ вратен рбет", "24935-9"),
        ("XA", "ЦЕРЕБРАЛНА АНГИОГРАФИЈА", "37173-2"),
        ("MR", "RMN abdomen cu SDC", "36134-5"),
        ("MR", "RMN UMAR STG", "26268-3"),
        ("CT", "TUM ABDOMEN BT KONTRASTSIZ", "36952-0"),
        ("CT", "URINER SISTEM BT", "44115-4"),
        ("DX", "SKOLYOZ GRAFISI AYAKTA", "30717-3"),
        ("CT", "TEMPORAL KEMIK BT", "36773-0"),
        ("MR", "SAKROILIAK EKLEM MR", "36031-3"),
        ("MR", "MRI e hipofizes", "24880-7"),
        ("MR", "MRI e supit te djathte", "26270-9"),
        ("DX", "Grafi e kycit te kembes se djathte", "26099-2"),
        ("CT", "CT e qafes", "36051-1"),
        ("CT", "CT e sinuseve", "30588-8"),
        ("NM", "Shintigrafi kockore", "39818-0"),
        ("MR", "ΜΤ ΑΡ ΓΟΝΑΤΟΣ", "26257-6"),
        ("MR", "Μαγνητική εγκεφάλου με γαδολίνιο", "24589-4"),
        ("CR", "XR ΑΡ ΚΑΡΠΟΥ 2 ΛΗΨΕΙΣ", "37483-5"),
        ("RF", "PORT DYE STUDY", "49512-7"),
        ("NM", "NM THALLIUM VIABILITY", "39714-1"),
        ("NM", "MYOCARDIAL PERFUSION 2 DAY", "39726-5"),
        ("RF", "ANTEGRADE URETERIC STENT", "86387-8"),
        ("RF", "GJ TUBE REPLACEMENT", "30637-3"),
        ("RF", "G TUBE CHANGE", "24995-3"),
        ("XA", "Y90 MAPPING", "25076-1"),
        ("CT", "CT GUIDED PERITONEAL BIOPSY", "30601-9"),
        ("CT", "CT LAA", "58744-4"),
        ("XA", "PORTAL VENOGRAM", "69250-9"),
        ("CT", "CT GUIDED BIOPSY VERTEBRAL BODY", "24986-2"),
        ("CT", "CT GUIDED RFA KIDNEY", "44228-5"),
        ("XA", "VERTEBROPLASTY T8", "70925-3"),
        ("RF", "KYPHOPLASTY L2", "72552-3"),
        ("US", "GSV MAPPING", "30881-7"),
        ("MR", "MRA THORACIC OUTLET", "30862-7"),
        ("MR", "MR COARCTATION", "35950-5"),
        ("DX", "XR CHEST PORT POSITION", "30745-4"),
        ("XA", "IR PORT REMOVAL", "86407-4"),
        ("MR", "MRU泌尿系水成像", "97391-7"),
        ("US", "TIPS DOPPLER", "69284-8"),
        ("MR", "腹主动脉MRA", "36791-2"),
        ("CT", "CT BRAIN T1", "24725-4"),
        ("MR", "MR galvas smadzenes ar kontrastu", "24589-4"),  # Latvian ar (with) before no paired part
    ],
    "4.100": [
        ("CT", "面颅骨CT平扫", "72249-6"),
        ("CT", "CT GUIDED BIOPSY T10", "35906-7"),
        ("CR", "Krūtinės ląstos Rtg palatoje", "30746-2"),
        ("CT", "Maksa KT kolmefaasiline", "24815-3"),
        ("CT", "CT njursten", "36952-0"),
        ("US", "Vasaku alajäseme veenide UH", "39432-0"),
        ("MR", "MR vä knä", "26257-6"),
        ("DX", "Fotled vä", "26098-4"),
        ("MG", "Mammografia seulonta", "26175-0"),
        ("CT", "Keuhkojen HRTT", "29252-4"),
        ("CT", "CT torax lågdos", "29252-4"),
        ("CT", "TS kinnholur", "30588-8"),
        ("CT", "TS þvagfæri", "44115-4"),
        ("US", "Kõhukoopa UH", "24558-9"),
        ("MR", "MR cerebrum m/u kontrast", "24587-8"),
        ("CT", "CT hjärta kalkscore", "79087-3"),
        ("CT", "TS æðar höfuðs og háls", "37498-3"),
        ("XA", "Smegenų kraujagyslių angiografija", "37173-2"),
        ("CR", "Thorax stuefoto", "30746-2"),
        ("NM", "Skjaldkirtilsskann", "30695-1"),
        ("MR", "Peräsuolen MK", "24867-4"),
        ("NM", "NM MPI 1 DAY", "39726-5"),
        ("NM", "WBS I-131", "42175-0"),
        ("NM", "WHITE CELL SCAN", "81585-2"),
        ("NM", "MYOKARDSCINTIGRAFI", "39716-6"),
        ("CT", "CT V A/P", "44115-4"),
    ],
    "4.101": [
        ("CT", "盘腔CT平扫", "30615-9"),
        ("US", "US PELVIS TA AND TV", "42455-6"),
        ("MG", "Mammografie rechts diagnostisch", "26348-3"),
        ("CR", "Radiographie genou gauche 2 incidences", "26395-4"),
        ("CR", "Rx tornozelo direito (2 incidencias)", "26387-1"),
        ("CT", "Angio-TC polmonare", "36147-7"),
        ("NM", "Scyntygrafia kośćca", "39818-0"),
        ("CT", "Angio-TK tętnic szyjnych i mózgowych", "87856-1"),
        ("CT", "TC CEREBRO SIN CIV", "30799-1"),
        ("NM", "Myocardperfusiescintigrafie rust/stress", "39726-5"),
        ("CT", "CTA plicnice", "36147-7"),
        ("DX", "右膑骨轴位", "37777-0"),
    ],
}
